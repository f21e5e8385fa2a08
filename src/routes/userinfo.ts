import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { requestInput } from '../http/request-input';
import { accessTokenAuth, bearerChallenge } from '../middleware/bearer';
import { noStore } from '../middleware/context';
import { dpopNonceHeader } from '../middleware/dpop-nonce';
import { cors } from '../middleware/cors';
import { MethodNotAllowed } from '../oauth/errors';
import { TOKEN_TYPES } from '../oauth/token-type';
import { readUserInfo } from '../oauth/userinfo';

/**
 * OpenID Connect Core §5.3: the UserInfo endpoint, a bearer-token protected
 * resource (RFC 6750) reachable cross-origin, since browser-based clients call
 * it with a token, never with cookies.
 */
export const userinfoRoutes = new Hono<AppEnv>();

/**
 * Any origin may call it: the access token in `Authorization` is the only
 * credential (no cookies, so no `Access-Control-Allow-Credentials`), and a
 * page that holds a token could send it from anywhere outside a browser too.
 * CORS protects ambient credentials, which this endpoint never reads (Fetch
 * standard §3.2.5; OAuth 2.0 for Browser-Based Applications §6.3.3.4).
 */
userinfoRoutes.use('/', cors({ origins: 'any', methods: ['GET', 'POST'] }));

const schemes = TOKEN_TYPES;

userinfoRoutes.on(['GET', 'POST'], '/', noStore, dpopNonceHeader, bearerChallenge({ schemes }), accessTokenAuth({ schemes }), async (c) =>
  c.json(await readUserInfo({ ...requestInput(c), access_token: c.get('accessToken') }, c.get('services'))));

userinfoRoutes.all('/', () => {
  throw new MethodNotAllowed('the UserInfo endpoint accepts GET and POST (OpenID Connect Core 5.3)', { headers: { Allow: 'GET, POST' } });
});
