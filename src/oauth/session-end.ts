import type { GrantPort, SessionPort } from '../storage/ports';
import { notifyBackchannelLogout, type BackchannelLogoutDeps } from './backchannel-logout';

/*
 * Stand-in of lane J's module (docs: /work/logout-contract.md, issue 10): the
 * same export and signature, so lane K's cascades run; lane J's version
 * replaces this file at merge. This one revokes every grant of the session:
 * `keepOffline` is decided inside the Grant object in lane J's version.
 */

export interface EndedSession { sid: string; sub: string; clients: string[]; revoked: string[]; deliveries: string[] }

export interface SessionEndDeps extends BackchannelLogoutDeps {
  sessions: SessionPort;
  grants: GrantPort;
  requestId: string;
}

/**
 * Ends session `sid` once (OpenID Connect RP-Initiated Logout §2, Back-Channel
 * Logout §2.7): marks it ended in its Session object, revokes the grants issued
 * in it and enqueues back-channel logout for its clients. Null when the session
 * was unknown or already ended (a second, parallel logout does nothing twice).
 */
export async function endSession(sid: string, options: { keepOffline: boolean }, deps: SessionEndDeps): Promise<EndedSession | null> {
  void options.keepOffline;
  const record = await deps.sessions.end(sid);
  if (!record) return null;
  const clients = Object.keys(record.clients);
  const handles = Object.values(record.clients).flat();
  const results = await Promise.all(handles.map((handle) => deps.grants.grant(handle).revoke()));
  const revoked = handles.filter((_, i) => results[i]!.revoked);
  const deliveries = await notifyBackchannelLogout({ sub: record.sub, sid, clients }, deps);
  return { sid, sub: record.sub, clients, revoked, deliveries };
}
