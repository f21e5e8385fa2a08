import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { authenticateRequest } from '../middleware/client-auth';
import { noStore } from '../middleware/context';
import { readForm } from '../middleware/form';
import { MethodNotAllowed, NotFound, TooManyRequests } from '../oauth/errors';
import { pushAuthorizationRequest } from '../oauth/par';

/** RFC 9126 §2: the pushed authorization request endpoint. */
export const parRoutes = new Hono<AppEnv>();

parRoutes.use('*', async (c, next) => {
  if (!c.get('services').config.parEnabled) throw new NotFound('not found');
  await next();
});

parRoutes.post('/', noStore, async (c) => {
  const services = c.get('services');
  const form = await readForm(c, services.config.maxBodyBytes);
  const client = await authenticateRequest(c, form);
  const parLimit = services.parRateLimit;
  if (!(await parLimit.allow(client.client_id))) {
    throw new TooManyRequests('too many pushed authorization requests for this client; retry later', { headers: { 'Retry-After': String(parLimit.retryAfter) } });
  }
  const { body } = await pushAuthorizationRequest(client, form, { ...services, hooks: c.get('hooks').par ?? {} }, {
    requestId: c.get('requestId'),
    headers: c.req.raw.headers,
  });
  return c.json(body, 201);
});

parRoutes.all('/', () => {
  throw new MethodNotAllowed('the PAR endpoint accepts POST only (RFC 9126 §2)', { headers: { Allow: 'POST' } });
});
