import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { logEvent } from '../log';
import { adminAuth } from '../middleware/admin-auth';
import { readJson } from '../http/json';
import { publicView, registerClient, replaceClient } from '../oauth/client-registration';
import { InvalidRequest, NotFound, OAuthError } from '../oauth/errors';
import { createUser } from '../oauth/users';
import { adminApiRoutes } from './admin-apis';
import { logoutDeliveryRoutes } from './admin-logout-deliveries';

/** The admin API (DESIGN.md contract 3): clients, users and signing keys. */
export const adminRoutes = new Hono<AppEnv>();
adminRoutes.use('*', adminAuth);
adminRoutes.route('/logout-deliveries', logoutDeliveryRoutes);
adminRoutes.route('/apis', adminApiRoutes);

function audit(c: Context<AppEnv>, event: string, fields: Record<string, string>): void {
  logEvent(event, { request_id: c.get('requestId'), ...fields });
}

adminRoutes.post('/clients', async (c) => {
  const { client, client_secret } = await registerClient(await readJson(c), c.get('services'));
  audit(c, 'admin_client_created', { client_id: client.client_id });
  return c.json({ ...client, ...(client_secret && { client_secret, client_secret_expires_at: 0 }) }, 201);
});

adminRoutes.get('/clients', async (c) => {
  const limit = Number(c.req.query('limit') ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new InvalidRequest('limit must be an integer from 1 to 200');
  const page = await c.get('services').clients.list({ limit, after: c.req.query('after') });
  const next = page.length === limit ? page[page.length - 1]!.client_id : undefined;
  return c.json({ clients: page.map(publicView), ...(next && { next }) });
});

adminRoutes.get('/clients/:id', async (c) => {
  const client = await c.get('services').clients.get(c.req.param('id'));
  if (!client) throw new NotFound(`no client "${c.req.param('id')}"`);
  return c.json(publicView(client));
});

adminRoutes.put('/clients/:id', async (c) => {
  const { client, client_secret } = await replaceClient(c.req.param('id'), await readJson(c), c.get('services'));
  audit(c, 'admin_client_replaced', { client_id: client.client_id });
  return c.json({ ...client, ...(client_secret && { client_secret, client_secret_expires_at: 0 }) });
});

adminRoutes.delete('/clients/:id', async (c) => {
  if (!(await c.get('services').clients.remove(c.req.param('id')))) throw new NotFound(`no client "${c.req.param('id')}"`);
  audit(c, 'admin_client_deleted', { client_id: c.req.param('id') });
  return c.body(null, 204);
});

adminRoutes.post('/users', async (c) => {
  const services = c.get('services');
  const user = await createUser(await readJson(c), services.users, services.now());
  audit(c, 'admin_user_created', { sub: user.sub });
  return c.json(user, 201);
});

adminRoutes.get('/users/:sub', async (c) => {
  const user = await c.get('services').users.get(c.req.param('sub'));
  if (!user) throw new NotFound(`no user "${c.req.param('sub')}"`);
  return c.json({ sub: user.sub, username: user.username, claims: user.claims, created_at: user.created_at });
});

adminRoutes.delete('/users/:sub', async (c) => {
  if (!(await c.get('services').users.remove(c.req.param('sub')))) throw new NotFound(`no user "${c.req.param('sub')}"`);
  audit(c, 'admin_user_deleted', { sub: c.req.param('sub') });
  return c.body(null, 204);
});

adminRoutes.post('/keys/rotate', async (c) => {
  const services = c.get('services');
  if (services.config.signingKeys) {
    throw new OAuthError('invalid_request', 'keys come from the SIGNING_KEYS secret; rotate them there', 409);
  }
  const ring = await services.keys.rotate();
  audit(c, 'admin_keys_rotated', { kids: Object.values(ring.active).map((k) => k.kid).join(',') });
  return c.json({ active: Object.values(ring.active).map(({ kid, alg }) => ({ kid, alg })), published: ring.publicKeys.length });
});
