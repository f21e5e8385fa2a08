import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { clientRequest } from '../http/request-input';
import { clientAuth } from '../middleware/client-auth';
import { cors } from '../middleware/cors';
import { noStore } from '../middleware/context';
import { dpopNonceHeader } from '../middleware/dpop-nonce';
import { MethodNotAllowed, NotFound, TooManyRequests } from '../oauth/errors';
import { pushAuthorizationRequest } from '../oauth/par';

/** RFC 9126 §2: the pushed authorization request endpoint. */
export const parRoutes = new Hono<AppEnv>();

parRoutes.use('*', async (c, next) => {
  if (!c.get('services').config.parEnabled) throw new NotFound('not found');
  await next();
});

/** Cross-origin for public clients only: a confidential client pushes from its back end (issue 11). */
parRoutes.use('/', cors({ origins: 'client', methods: ['POST'], publicOnly: true }));

parRoutes.post('/', noStore, dpopNonceHeader, clientAuth, async (c) => {
  const services = c.get('services');
  const request = clientRequest(c);
  const parLimit = services.parRateLimit;
  if (!(await parLimit.allow(request.client.client_id))) {
    throw new TooManyRequests('too many pushed authorization requests for this client; retry later', { headers: { 'Retry-After': String(parLimit.retryAfter) } });
  }
  const { body } = await pushAuthorizationRequest(request, { ...services, hooks: c.get('hooks').par ?? {}, requestId: c.get('requestId') });
  return c.json(body, 201);
});

parRoutes.all('/', () => {
  throw new MethodNotAllowed('the PAR endpoint accepts POST only (RFC 9126 §2)', { headers: { Allow: 'POST' } });
});
