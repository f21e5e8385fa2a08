import { logEvent } from '../log';
import type { ActiveSession, ClientStore, ConsentPort, IndexedGrant, LifecycleIndexPort, SessionPort, UserStore } from '../storage/ports';
import { NotFound } from './errors';
import { endSession, type EndedSession, type SessionEndDeps } from './session-end';

/**
 * What ends what (DESIGN.md "What logout ends", issue 10): deleting a user
 * ends every session of theirs with back-channel notification and revokes
 * every grant; deleting a client revokes all its grants and forgets the
 * consents given to it. The lifecycle index (storage/ports.ts) finds the
 * sessions and grants; the Session and Grant objects decide, each atomically.
 */
export interface LifecycleDeps extends Omit<SessionEndDeps, 'sessions'> {
  sessions: Pick<SessionPort, 'end' | 'get'>;
  users: Pick<UserStore, 'get' | 'remove'>;
  clients: Pick<ClientStore, 'get' | 'remove'>;
  consents: ConsentPort;
  lifecycle: LifecycleIndexPort;
}

/** A session as the admin API shows it. */
export interface SessionView {
  sid: string;
  auth_time: number;
  amr: string[];
  acr?: string;
  expires_at: number;
  /** The clients given tokens in this session (the back-channel logout audience). */
  clients: string[];
}

type GrantFilter = Parameters<LifecycleIndexPort['grantsOf']>[0];

/**
 * Revokes every indexed grant matching `filter` (the grant and every token
 * from it, RFC 7009 §2.1), a page at a time: each page's rows are deleted once
 * revoked, so the next read moves on. Returns how many grants were revoked now.
 */
async function revokeIndexedGrants(filter: GrantFilter, deps: LifecycleDeps, skip = new Set<string>()): Promise<{ found: number; revoked: number }> {
  let found = 0;
  let revoked = 0;
  for (let page = await deps.lifecycle.grantsOf(filter, deps.now()); page.length > 0; page = await deps.lifecycle.grantsOf(filter, deps.now())) {
    found += page.length;
    const handles = page.map((g: IndexedGrant) => g.handle);
    const results = await Promise.all(handles.filter((h) => !skip.has(h)).map((h) => deps.grants.grant(h).revoke()));
    revoked += results.filter((r) => r.revoked).length;
    await deps.lifecycle.forgetGrants(handles);
  }
  return { found, revoked };
}

/** Ends the user's indexed sessions, each once, via endSession, a page at a time; marks them ended in the index. */
async function endSessionsOf(sub: string, keepOffline: boolean, deps: LifecycleDeps): Promise<EndedSession[]> {
  const ended: EndedSession[] = [];
  for (let rows = await deps.lifecycle.sessionsOf(sub, deps.now()); rows.length > 0; rows = await deps.lifecycle.sessionsOf(sub, deps.now())) {
    const page = await Promise.all(rows.map((row) => endSession(row.sid, { keepOffline }, deps)));
    await deps.lifecycle.markSessionsEnded(rows.map((row) => row.sid), deps.now());
    ended.push(...page.filter((e): e is EndedSession => e !== null));
  }
  return ended;
}

/**
 * Deletes a user (DESIGN.md contract 3) and everything that speaks for them:
 * every session ends with back-channel logout (Back-Channel Logout §2.7), and
 * every grant is revoked, offline ones included, so refresh, introspection
 * (RFC 7662 §2.2 `active: false`), /userinfo and pending codes all fail. The
 * account goes first, so no new login starts while the cascade runs; a
 * repeated DELETE after a failed cascade finds the index rows and finishes it.
 */
export async function deleteUser(sub: string, deps: LifecycleDeps): Promise<{ sessions: number; grants: number }> {
  const removed = await deps.users.remove(sub);
  const ended = await cascade(sub, deps);
  if (!removed && ended.sessions === 0 && ended.found === 0) throw new NotFound(`no user "${sub}"`);
  await deps.lifecycle.forgetUser(sub);
  logEvent('user_lifecycle_ended', { request_id: deps.requestId, sub, sessions: ended.sessions, grants: ended.grants });
  return { sessions: ended.sessions, grants: ended.grants };
}

async function cascade(sub: string, deps: LifecycleDeps): Promise<{ sessions: number; grants: number; found: number }> {
  const sessions = await endSessionsOf(sub, false, deps);
  const done = new Set(sessions.flatMap((s) => s.revoked));
  const grants = await revokeIndexedGrants({ sub }, deps, done);
  return { sessions: sessions.length, grants: grants.revoked + done.size, found: grants.found };
}

/**
 * Ends everything that speaks for an account that stays: every session (with
 * back-channel logout) and every grant, offline ones included, exactly as
 * deleting it would. For disabling an account and for a password reset, after
 * which no token obtained with the old credentials may keep working.
 */
export async function endUserAccess(sub: string, deps: LifecycleDeps): Promise<{ sessions: number; grants: number }> {
  const { sessions, grants } = await cascade(sub, deps);
  logEvent('user_access_ended', { request_id: deps.requestId, sub, sessions, grants });
  return { sessions, grants };
}

/**
 * Deletes a client registration and revokes its grants and every token issued
 * from them, access tokens included (/introspect and /userinfo ask the grant
 * object); forgets the consents given to it, so a client_id registered again
 * starts clean. A grant that slipped past the index (issued through a stale
 * registration cache) is refused by its registration instance (sameRegistration).
 */
export async function deleteClient(client_id: string, deps: LifecycleDeps): Promise<{ grants: number }> {
  const removed = await deps.clients.remove(client_id);
  const grants = await revokeIndexedGrants({ client_id }, deps);
  if (!removed && grants.found === 0) throw new NotFound(`no client "${client_id}"`);
  await deps.lifecycle.forgetClient(client_id);
  logEvent('client_lifecycle_ended', { request_id: deps.requestId, client_id, grants: grants.revoked });
  return { grants: grants.revoked };
}

async function requireUser(sub: string, deps: LifecycleDeps): Promise<void> {
  if (!(await deps.users.get(sub))) throw new NotFound(`no user "${sub}"`);
}

function viewOf(session: ActiveSession): SessionView {
  const { sid, auth_time, amr, acr, expires_at } = session;
  return { sid, auth_time, amr, ...(acr !== undefined && { acr }), expires_at, clients: Object.keys(session.clients) };
}

/** The user's live sessions, newest first, as their Session objects know them (a logout elsewhere is seen at once). */
export async function listUserSessions(sub: string, deps: LifecycleDeps): Promise<SessionView[]> {
  await requireUser(sub, deps);
  const rows = await deps.lifecycle.sessionsOf(sub, deps.now());
  const live = await Promise.all(rows.map((row) => deps.sessions.get(row.sid)));
  const gone = rows.filter((_, i) => live[i] === null).map((row) => row.sid);
  if (gone.length) await deps.lifecycle.markSessionsEnded(gone, deps.now());
  return live.filter((s): s is ActiveSession => s !== null && s.sub === sub).map(viewOf);
}

/**
 * Ends one session of the user, as a logout would (README "What ends what"):
 * the session's grants are revoked except `offline_access` ones, and its
 * clients get back-channel logout (Back-Channel Logout §2.7). 404 when the
 * session is not a live session of this user.
 */
export async function endUserSession(sub: string, sid: string, deps: LifecycleDeps): Promise<EndedSession> {
  const session = await deps.sessions.get(sid);
  if (!session || session.sub !== sub) throw new NotFound(`no live session "${sid}" of user "${sub}"`);
  const ended = await endSession(sid, { keepOffline: true }, deps);
  await deps.lifecycle.markSessionsEnded([sid], deps.now());
  if (!ended) throw new NotFound(`no live session "${sid}" of user "${sub}"`);
  return ended;
}

/** Ends every live session of the user, as `endUserSession` does each one. */
export async function endAllUserSessions(sub: string, deps: LifecycleDeps): Promise<EndedSession[]> {
  await requireUser(sub, deps);
  return endSessionsOf(sub, true, deps);
}

/**
 * Withdraws the user's remembered consent for a client (OpenID Connect Core
 * §3.1.2.4: the next authorization asks again) and revokes the grants the user
 * gave that client, offline ones included: a withdrawn consent no longer
 * speaks for the user. 404 when there was neither.
 */
export async function revokeUserConsent(sub: string, client_id: string, deps: LifecycleDeps): Promise<{ grants: number }> {
  const forgotten = await deps.consents.revoke(sub, client_id);
  const grants = await revokeIndexedGrants({ sub, client_id }, deps);
  if (!forgotten && grants.found === 0) throw new NotFound(`user "${sub}" has no consent or grant for client "${client_id}"`);
  logEvent('consent_revoked', { request_id: deps.requestId, sub, client_id, grants: grants.revoked });
  return { grants: grants.revoked };
}
