import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { logEvent } from '../log';
import { adminAuth } from '../middleware/admin-auth';
import { readJson } from '../http/json';
import { publicView, registerClient, replaceClient } from '../oauth/client-registration';
import { InvalidRequest, NotFound, OAuthError } from '../oauth/errors';
import { createUser } from '../oauth/users';
import { deleteClient, deleteUser } from '../oauth/account-lifecycle';
import { adminSessionRoutes } from './admin-sessions';
import { adminApiRoutes } from './admin-apis';
import { logoutDeliveryRoutes } from './admin-logout-deliveries';
import { adminUserSecurityRoutes } from './admin-users-security';

/** The admin API (DESIGN.md contract 3): clients, users and signing keys. */
export const adminRoutes = new Hono<AppEnv>();
adminRoutes.use('*', adminAuth);
adminRoutes.route('/logout-deliveries', logoutDeliveryRoutes);
adminRoutes.route('/users', adminSessionRoutes);
adminRoutes.route('/users', adminUserSecurityRoutes);
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
  const { grants } = await deleteClient(c.req.param('id'), { ...c.get('services'), requestId: c.get('requestId') });
  audit(c, 'admin_client_deleted', { client_id: c.req.param('id'), grants_revoked: String(grants) });
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
  const ended = await deleteUser(c.req.param('sub'), { ...c.get('services'), requestId: c.get('requestId') });
  audit(c, 'admin_user_deleted', { sub: c.req.param('sub'), sessions_ended: String(ended.sessions), grants_revoked: String(ended.grants) });
  return c.body(null, 204);
});

/**
 * Stages the next signing keys (published now, signing after the publish
 * delay; see README "Signing keys"). `?immediate=true` makes them sign at
 * once; `?withdraw=true` also removes the keys signing until now from /jwks
 * (a compromised key). Staging again while keys are staged changes nothing.
 */
adminRoutes.post('/keys/rotate', async (c) => {
  const services = c.get('services');
  if (services.config.signingKeys) {
    throw new OAuthError('invalid_request', 'keys come from the SIGNING_KEYS secret; rotate them there', 409);
  }
  const flag = (name: string) => {
    const v = c.req.query(name);
    if (v !== undefined && v !== 'true' && v !== 'false') throw new InvalidRequest(`${name} must be "true" or "false"`);
    return v === 'true';
  };
  const mode = flag('withdraw') ? 'withdraw' : flag('immediate') ? 'immediate' : 'staged';
  const ring = await services.keys.rotate(mode);
  audit(c, 'admin_keys_rotated', { mode, kids: [...Object.values(ring.active), ...ring.staged].map((k) => k.kid).join(',') });
  return c.json({
    active: Object.values(ring.active).map(({ kid, alg }) => ({ kid, alg })),
    staged: ring.staged,
    published: ring.publicKeys.length,
  });
});
