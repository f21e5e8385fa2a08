import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { authenticateRequest } from '../middleware/client-auth';
import { noStore } from '../middleware/context';
import { readForm } from '../middleware/form';
import { MethodNotAllowed } from '../oauth/errors';
import { introspectToken } from '../oauth/introspection';

/** RFC 7662 §2: the token introspection endpoint, for authenticated clients (resource servers register as clients). */
export const introspectRoutes = new Hono<AppEnv>();

introspectRoutes.post('/', noStore, async (c) => {
  const services = c.get('services');
  const form = await readForm(c, services.config.maxBodyBytes);
  const client = await authenticateRequest(c, form);
  return c.json(await introspectToken(client, form, services));
});

introspectRoutes.all('/', () => {
  throw new MethodNotAllowed('the introspection endpoint accepts POST only (RFC 7662 section 2.1)', { headers: { Allow: 'POST' } });
});
