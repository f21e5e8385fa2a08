import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { logEvent } from '../log';
import { NotFound } from '../oauth/errors';
import { unlockAccount } from '../oauth/login';

/**
 * `POST /admin/users/{sub}/unlock`: clears the account's login counters (per
 * account and per account and address), so its owner can sign in at once
 * after a guessing attack slowed it down. Mounted under `/admin/users`, behind
 * the admin token.
 */
export const adminUserSecurityRoutes = new Hono<AppEnv>();

adminUserSecurityRoutes.post('/:sub/unlock', async (c) => {
  const sub = c.req.param('sub');
  if (!(await unlockAccount(sub, c.get('services')))) throw new NotFound(`no user "${sub}"`);
  logEvent('admin_user_unlocked', { request_id: c.get('requestId'), sub });
  return c.body(null, 204);
});
