import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { logEvent } from '../log';
import { endAllUserSessions, endUserSession, listUserSessions, revokeUserConsent } from '../oauth/account-lifecycle';

/**
 * A user's sessions and consents for operators (README: Admin API, "What ends
 * what"), mounted under `/admin/users` behind the admin token. Ending a session
 * goes through endSession, so its clients get back-channel logout (OpenID
 * Connect Back-Channel Logout 1.0 §2.7).
 */
export const adminSessionRoutes = new Hono<AppEnv>();

function deps(c: Context<AppEnv>) {
  return { ...c.get('services'), requestId: c.get('requestId') };
}

function audit(c: Context<AppEnv>, event: string, fields: Record<string, string | number>): void {
  logEvent(event, { request_id: c.get('requestId'), ...fields });
}

adminSessionRoutes.get('/:sub/sessions', async (c) => {
  return c.json({ sessions: await listUserSessions(c.req.param('sub'), deps(c)) });
});

adminSessionRoutes.delete('/:sub/sessions', async (c) => {
  const sub = c.req.param('sub');
  const ended = await endAllUserSessions(sub, deps(c));
  audit(c, 'admin_sessions_ended', { sub, sessions: ended.length });
  return c.json({ ended: ended.map(({ sid, clients, revoked, deliveries }) => ({ sid, clients, revoked: revoked.length, deliveries })) });
});

adminSessionRoutes.delete('/:sub/sessions/:sid', async (c) => {
  const sub = c.req.param('sub');
  const { sid, clients, revoked, deliveries } = await endUserSession(sub, c.req.param('sid'), deps(c));
  audit(c, 'admin_session_ended', { sub, sid });
  return c.json({ sid, clients, revoked: revoked.length, deliveries });
});

adminSessionRoutes.delete('/:sub/consents/:client_id', async (c) => {
  const sub = c.req.param('sub');
  const client_id = c.req.param('client_id');
  await revokeUserConsent(sub, client_id, deps(c));
  audit(c, 'admin_consent_revoked', { sub, client_id });
  return c.body(null, 204);
});
