import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { clientRequest } from '../http/request-input';
import { clientAuth } from '../middleware/client-auth';
import { cors } from '../middleware/cors';
import { noStore } from '../middleware/context';
import { dpopNonceHeader } from '../middleware/dpop-nonce';
import { MethodNotAllowed } from '../oauth/errors';
import { handleTokenRequest } from '../oauth/token-request';

/** RFC 6749 §3.2: the token endpoint. Answers carry `Cache-Control: no-store` and `Pragma: no-cache` (§5.1). */
export const tokenRoutes = new Hono<AppEnv>();

/** A browser-based client calls it cross-origin (issue 11); only its registered origins may read the answer. */
tokenRoutes.use('/', cors({ origins: 'client', methods: ['POST'] }));

tokenRoutes.post('/', noStore, dpopNonceHeader, clientAuth, async (c) =>
  c.json(await handleTokenRequest(clientRequest(c), { ...c.get('services'), requestId: c.get('requestId') })));

tokenRoutes.all('/', () => {
  throw new MethodNotAllowed('the token endpoint accepts POST only (RFC 6749 section 3.2)', { headers: { Allow: 'POST' } });
});
