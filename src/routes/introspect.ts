import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { clientRequest } from '../http/request-input';
import { clientAuth } from '../middleware/client-auth';
import { noStore } from '../middleware/context';
import { MethodNotAllowed } from '../oauth/errors';
import { introspectToken } from '../oauth/introspection';

/** RFC 7662 §2: the token introspection endpoint, for authenticated clients (resource servers register as clients). */
export const introspectRoutes = new Hono<AppEnv>();

introspectRoutes.post('/', noStore, clientAuth, async (c) => c.json(await introspectToken(clientRequest(c), c.get('services'))));

introspectRoutes.all('/', () => {
  throw new MethodNotAllowed('the introspection endpoint accepts POST only (RFC 7662 section 2.1)', { headers: { Allow: 'POST' } });
});
