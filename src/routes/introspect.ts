import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { clientRequest } from '../http/request-input';
import { clientAuth } from '../middleware/client-auth';
import { noStore } from '../middleware/context';
import { MethodNotAllowed } from '../oauth/errors';
import { introspectToken } from '../oauth/introspection';
import { INTROSPECTION_JWT_TYPE, signIntrospection, wantsIntrospectionJwt } from '../oauth/introspection-jwt';

/**
 * RFC 7662 §2: the token introspection endpoint, for authenticated clients and
 * registered APIs; a signed JWT answer on request (RFC 9701 §4).
 */
export const introspectRoutes = new Hono<AppEnv>();

introspectRoutes.post('/', noStore, clientAuth, async (c) => {
  const request = clientRequest(c);
  const services = c.get('services');
  const answer = await introspectToken(request, services);
  if (!wantsIntrospectionJwt(request.headers)) return c.json(answer);
  return c.body(await signIntrospection(answer, request, services), 200, { 'Content-Type': INTROSPECTION_JWT_TYPE });
});

introspectRoutes.all('/', () => {
  throw new MethodNotAllowed('the introspection endpoint accepts POST only (RFC 7662 section 2.1)', { headers: { Allow: 'POST' } });
});
