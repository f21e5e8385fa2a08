import type { GrantPort, SessionPort } from '../storage/ports';
import { logEvent } from '../log';
import { notifyBackchannelLogout, type BackchannelLogoutDeps } from './backchannel-logout';

/** What ending a session did: its subject and clients, the grants revoked, the back-channel deliveries enqueued. */
export interface EndedSession {
  sid: string;
  sub: string;
  clients: string[];
  revoked: string[];
  deliveries: string[];
}

/** The ports ending a session uses: the session and grant objects, and back-channel delivery (all in `Services`). */
export interface SessionEndDeps extends BackchannelLogoutDeps {
  sessions: Pick<SessionPort, 'end'>;
  grants: GrantPort;
  requestId?: string;
}

/**
 * Ends session `sid` once (OpenID Connect RP-Initiated Logout §2, Back-Channel Logout §2.7):
 * marks it ended in its Session object, revokes the grants issued in it — except
 * grants whose scope holds `offline_access` when `keepOffline` — and enqueues
 * back-channel logout for its clients (notifyBackchannelLogout in
 * src/oauth/backchannel-logout.ts). Null when the session was unknown or already ended
 * (a second, parallel logout does nothing twice).
 */
export async function endSession(sid: string, options: { keepOffline: boolean }, deps: SessionEndDeps): Promise<EndedSession | null> {
  // The object decides "first end wins" in one step; everything after runs for that caller only.
  const record = await deps.sessions.end(sid);
  if (!record) return null;
  const handles = [...new Set(Object.values(record.clients).flat())];
  const outcomes = await Promise.all(handles.map((handle) => deps.grants.grant(handle).revoke({ keep_offline: options.keepOffline })));
  const revoked = handles.filter((_, i) => outcomes[i]!.revoked);
  const clients = Object.keys(record.clients);
  const deliveries = await notifyBackchannelLogout({ sub: record.sub, sid, clients }, deps);
  logEvent('session_ended', {
    request_id: deps.requestId, sid, sub: record.sub, clients: clients.length, revoked: revoked.length, kept: handles.length - revoked.length,
    deliveries: deliveries.length,
  });
  return { sid, sub: record.sub, clients, revoked, deliveries };
}
