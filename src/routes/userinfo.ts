import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../app-env';
import { bearerChallenge, missingTokenResponse, readBearerToken } from '../middleware/bearer';
import { noStore } from '../middleware/context';
import { MethodNotAllowed } from '../oauth/errors';
import { readUserInfo } from '../oauth/userinfo';

/**
 * OpenID Connect Core §5.3: the UserInfo endpoint, a bearer-token protected
 * resource (RFC 6750) reachable cross-origin, since browser-based clients call
 * it with a token, never with cookies.
 */
export const userinfoRoutes = new Hono<AppEnv>();

userinfoRoutes.use('*', cors({
  origin: '*',
  allowMethods: ['GET', 'POST'],
  allowHeaders: ['Authorization', 'Content-Type'],
  exposeHeaders: ['WWW-Authenticate'],
  maxAge: 600,
}));

userinfoRoutes.on(['GET', 'POST'], '/', noStore, bearerChallenge(), async (c) => {
  const token = await readBearerToken(c);
  if (token === null) return missingTokenResponse(c);
  return c.json(await readUserInfo(token, c.get('services')));
});

userinfoRoutes.all('/', () => {
  throw new MethodNotAllowed('the UserInfo endpoint accepts GET and POST (OpenID Connect Core 5.3)', { headers: { Allow: 'GET, POST' } });
});
