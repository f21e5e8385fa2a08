import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { authenticateRequest } from '../middleware/client-auth';
import { noStore } from '../middleware/context';
import { readForm } from '../middleware/form';
import { MethodNotAllowed } from '../oauth/errors';
import { handleTokenRequest } from '../oauth/token-request';

/** RFC 6749 §3.2: the token endpoint. Answers carry `Cache-Control: no-store` and `Pragma: no-cache` (§5.1). */
export const tokenRoutes = new Hono<AppEnv>();

tokenRoutes.post('/', noStore, async (c) => {
  const services = c.get('services');
  const form = await readForm(c, services.config.maxBodyBytes);
  const client = await authenticateRequest(c, form);
  const body = await handleTokenRequest(client, form, { ...services, requestId: c.get('requestId') });
  return c.json(body);
});

tokenRoutes.all('/', () => {
  throw new MethodNotAllowed('the token endpoint accepts POST only (RFC 6749 section 3.2)', { headers: { Allow: 'POST' } });
});
