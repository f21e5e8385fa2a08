import type { Config } from '../config';
import { sha256b64 } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import type { ActiveSession, ClientStore, InteractionPort, InteractionRecord, ResolvedRequest } from '../storage/ports';
import { InvalidRequest } from './errors';
import type { AuthorizationRequest, StoredClient } from './types';

/** The login an authorization demands: whether a fresh one, and which session and instant it must follow. */
export type LoginRequirement = Pick<InteractionRecord, 'force_login' | 'prior_sid' | 'created_at'>;

/** The request's prompt values (OpenID Connect Core §3.1.2.1). */
export function promptValues(request: AuthorizationRequest): string[] {
  return request.prompt?.split(' ') ?? [];
}

/**
 * Whether the request demands a fresh authentication at /authorize: prompt=login
 * or select_account, or max_age elapsed since the session's auth_time
 * (OpenID Connect Core §3.1.2.1, §3.1.2.3).
 */
export function requiresFreshLogin(request: AuthorizationRequest, session: ActiveSession | null, now: number): boolean {
  const p = promptValues(request);
  if (p.includes('login') || p.includes('select_account')) return true;
  if (session === null || request.max_age === undefined) return false;
  // max_age=0 asks for a login now, like prompt=login, even within the second of the last one.
  return request.max_age === 0 || now - session.auth_time > request.max_age;
}

/** A login satisfies an interaction unless a fresh one was demanded and this session predates it. */
export function loginSatisfies(login: LoginRequirement, session: ActiveSession | null): session is ActiveSession {
  if (!session) return false;
  if (!login.force_login) return true;
  return session.sid !== login.prior_sid && session.auth_time >= login.created_at;
}

/**
 * Starts an interaction for a resolved request, bound to the browser whose
 * binding secret is `browserSecret`; `hinted_sub` is the user an id_token_hint
 * named; `ends_by` caps its lifetime (an interaction that replaces another ends
 * when that one would have).
 */
export async function startInteraction(
  resolved: ResolvedRequest, session: ActiveSession | null, login: { force_login: boolean; hinted_sub?: string; ends_by?: number }, browserSecret: string,
  deps: { interactions: InteractionPort; now: () => number; config: Pick<Config, 'interactionLifetime'> },
): Promise<{ id: string; record: InteractionRecord }> {
  const { force_login, hinted_sub } = login;
  const now = deps.now();
  const record: InteractionRecord = {
    client_id: resolved.client_id,
    request: resolved.request,
    handle: resolved.handle,
    par: resolved.par,
    csrf: randomToken(32),
    browser: await sha256b64(browserSecret),
    created_at: now,
    expires_at: Math.min(now + deps.config.interactionLifetime, login.ends_by ?? Infinity),
    force_login,
    ...(force_login && session && { prior_sid: session.sid }),
    ...(hinted_sub !== undefined && { hinted_sub }),
  };
  const id = randomToken(32);
  await deps.interactions.put(id, record);
  return { id, record };
}

/** The interaction named by `id` and its client; the same words for unknown and expired, as the id is a capability. */
export async function loadInteraction(
  id: string, deps: { interactions: InteractionPort; clients: ClientStore },
): Promise<{ record: InteractionRecord; client: StoredClient }> {
  const record = await deps.interactions.get(id);
  if (!record) throw new InvalidRequest('this sign-in request has expired or is not known');
  const client = await deps.clients.get(record.client_id);
  if (!client) throw new InvalidRequest('the application is no longer registered');
  return { record, client };
}
