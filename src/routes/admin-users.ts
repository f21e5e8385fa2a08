import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { MERGE_PATCH_TYPES, readJson } from '../http/json';
import { logEvent } from '../log';
import { deleteUser } from '../oauth/account-lifecycle';
import { NotFound } from '../oauth/errors';
import { isJsonObject } from '../oauth/merge-patch';
import { createResetLink } from '../oauth/password-reset';
import { listUsers, patchUser, replacePassword, userView, type UserAdminDeps } from '../oauth/user-admin';
import { createUser } from '../oauth/users';

/**
 * User accounts under `/admin/users` (DESIGN.md contract 3, issue 13): create,
 * list and search, read, merge-patch claims (RFC 7396, OpenID Connect Core
 * §5.1), disable and enable, set a password or make a one-time reset link,
 * delete. Mounted behind the admin token.
 */
export const adminUserRoutes = new Hono<AppEnv>();

function deps(c: Context<AppEnv>): UserAdminDeps {
  return { ...c.get('services'), requestId: c.get('requestId') };
}

function audit(c: Context<AppEnv>, event: string, fields: Record<string, string>): void {
  logEvent(event, { request_id: c.get('requestId'), ...fields });
}

adminUserRoutes.post('/', async (c) => {
  const services = c.get('services');
  const user = await createUser(await readJson(c), services.users, services.now());
  c.set('auditTarget', `sub=${user.sub}`);
  audit(c, 'admin_user_created', { sub: user.sub });
  return c.json(user, 201);
});

adminUserRoutes.get('/', async (c) => {
  const { q, limit, cursor } = c.req.query();
  return c.json(await listUsers({ q, limit, cursor }, c.get('services').users));
});

adminUserRoutes.get('/:sub', async (c) => {
  const user = await c.get('services').users.get(c.req.param('sub'));
  if (!user) throw new NotFound(`no user "${c.req.param('sub')}"`);
  return c.json(userView(user));
});

adminUserRoutes.patch('/:sub', async (c) => {
  const user = await patchUser(c.req.param('sub'), await readJson(c, MERGE_PATCH_TYPES), deps(c));
  audit(c, 'admin_user_patched', { sub: user.sub });
  return c.json(user);
});

adminUserRoutes.post('/:sub/disable', async (c) => {
  const user = await patchUser(c.req.param('sub'), { disabled: true }, deps(c));
  audit(c, 'admin_user_disabled', { sub: user.sub });
  return c.json(user);
});

adminUserRoutes.post('/:sub/enable', async (c) => {
  const user = await patchUser(c.req.param('sub'), { disabled: false }, deps(c));
  audit(c, 'admin_user_enabled', { sub: user.sub });
  return c.json(user);
});

/** An admin-set password; like every password change it ends the account's sessions and grants. */
adminUserRoutes.put('/:sub/password', async (c) => {
  const body = await readJson(c);
  await replacePassword(c.req.param('sub'), isJsonObject(body) ? body.password : undefined, deps(c));
  audit(c, 'admin_user_password_set', { sub: c.req.param('sub') });
  return c.body(null, 204);
});

/** A one-time reset link for the operator to deliver; its token is in the answer only. */
adminUserRoutes.post('/:sub/password-reset', async (c) => {
  const body = c.req.header('content-type') ? await readJson(c) : {};
  const link = await createResetLink(c.req.param('sub'), body, { ...deps(c), issuer: c.get('services').config.issuer });
  audit(c, 'admin_user_reset_link_created', { sub: c.req.param('sub'), expires_at: String(link.expires_at) });
  return c.json(link, 201);
});

adminUserRoutes.delete('/:sub', async (c) => {
  const ended = await deleteUser(c.req.param('sub'), { ...c.get('services'), requestId: c.get('requestId') });
  audit(c, 'admin_user_deleted', { sub: c.req.param('sub'), sessions_ended: String(ended.sessions), grants_revoked: String(ended.grants) });
  return c.body(null, 204);
});
