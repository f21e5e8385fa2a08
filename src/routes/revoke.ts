import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { clientRequest } from '../http/request-input';
import { clientAuth } from '../middleware/client-auth';
import { cors } from '../middleware/cors';
import { noStore } from '../middleware/context';
import { MethodNotAllowed } from '../oauth/errors';
import { revokeToken } from '../oauth/revocation';

/** RFC 7009 §2: the token revocation endpoint. */
export const revokeRoutes = new Hono<AppEnv>();

/** A browser-based client calls it cross-origin (issue 11); only its registered origins may read the answer. */
revokeRoutes.use('/', cors({ origins: 'client', methods: ['POST'] }));

revokeRoutes.post('/', noStore, clientAuth, async (c) => {
  await revokeToken(clientRequest(c), { ...c.get('services'), requestId: c.get('requestId') });
  // RFC 7009 §2.2: 200 whether or not anything was revoked; the body is empty.
  return c.body(null, 200);
});

revokeRoutes.all('/', () => {
  throw new MethodNotAllowed('the revocation endpoint accepts POST only (RFC 7009 section 2.1)', { headers: { Allow: 'POST' } });
});
