import { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { AppEnv } from '../app-env';
import { requestInput } from '../http/request-input';
import { accessTokenAuth, bearerChallenge } from '../middleware/bearer';
import { noStore } from '../middleware/context';
import { MethodNotAllowed } from '../oauth/errors';
import { TOKEN_TYPES } from '../oauth/token-type';
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

const schemes = TOKEN_TYPES;

userinfoRoutes.on(['GET', 'POST'], '/', noStore, bearerChallenge({ schemes }), accessTokenAuth({ schemes }), async (c) =>
  c.json(await readUserInfo({ ...requestInput(c), access_token: c.get('accessToken') }, c.get('services'))));

userinfoRoutes.all('/', () => {
  throw new MethodNotAllowed('the UserInfo endpoint accepts GET and POST (OpenID Connect Core 5.3)', { headers: { Allow: 'GET, POST' } });
});
