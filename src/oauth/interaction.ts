import type { Config } from '../config';
import { sha256b64 } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import type { Consent, ConsentPort } from '../storage/ports';
import type { ActiveSession } from '../storage/ports';
import type { InteractionPort, InteractionRecord } from '../storage/ports';
import type { ResolvedRequest } from './authorize';
import { ConsentRequired, LoginRequired } from './errors';
import type { AuthorizationRequest } from './types';

export type Step = 'login' | 'consent' | 'complete';

function prompts(request: AuthorizationRequest): string[] {
  return request.prompt?.split(' ') ?? [];
}

/**
 * Whether the request demands a fresh authentication at /authorize: prompt=login
 * or select_account, or max_age elapsed since the session's auth_time
 * (OpenID Connect Core §3.1.2.1, §3.1.2.3).
 */
export function requiresFreshLogin(request: AuthorizationRequest, session: ActiveSession | null, now: number): boolean {
  const p = prompts(request);
  if (p.includes('login') || p.includes('select_account')) return true;
  if (session === null || request.max_age === undefined) return false;
  // max_age=0 asks for a login now, like prompt=login, even within the second of the last one.
  return request.max_age === 0 || now - session.auth_time > request.max_age;
}

/** Whether the remembered consent covers every requested scope, and prompt=consent did not ask again (OIDC Core §3.1.2.4). */
export function consentCovers(request: AuthorizationRequest, consent: Consent | null): boolean {
  if (prompts(request).includes('consent') || !consent) return false;
  const granted = new Set(consent.scope.split(' '));
  return request.scope.split(' ').filter(Boolean).every((s) => granted.has(s));
}

/** A login satisfies an interaction unless a fresh one was demanded and this session predates it. */
export function loginSatisfies(record: Pick<InteractionRecord, 'force_login' | 'prior_sid' | 'created_at'>, session: ActiveSession | null): session is ActiveSession {
  if (!session) return false;
  if (!record.force_login) return true;
  return session.sid !== record.prior_sid && session.auth_time >= record.created_at;
}

/** What the user must do next for `request` in `session`. */
export async function nextStep(
  request: AuthorizationRequest, record: Pick<InteractionRecord, 'force_login' | 'prior_sid' | 'created_at'>, session: ActiveSession | null, consents: ConsentPort,
): Promise<Step> {
  if (!loginSatisfies(record, session)) return 'login';
  return consentCovers(request, await consents.get(session.sub, request.client_id)) ? 'complete' : 'consent';
}

/**
 * prompt=none: the OP must not show any page, so a needed login or consent is
 * an error for the client (OpenID Connect Core §3.1.2.6).
 */
export function refuseInteraction(step: Step, request: AuthorizationRequest): void {
  if (!prompts(request).includes('none') || step === 'complete') return;
  if (step === 'login') throw new LoginRequired('the user is not signed in, or must sign in again');
  throw new ConsentRequired('the user has not consented to this client and scope');
}

/** Starts an interaction for a resolved request, bound to the browser whose binding secret is `browserSecret`. */
export async function startInteraction(
  resolved: ResolvedRequest, session: ActiveSession | null, force_login: boolean, browserSecret: string, deps: { interactions: InteractionPort; now: () => number; config: Pick<Config, 'interactionLifetime'> },
): Promise<{ id: string; record: InteractionRecord }> {
  const now = deps.now();
  const record: InteractionRecord = {
    client_id: resolved.client.client_id,
    request: resolved.request,
    handle: resolved.handle,
    par: resolved.par,
    csrf: randomToken(32),
    browser: await sha256b64(browserSecret),
    created_at: now,
    expires_at: now + deps.config.interactionLifetime,
    force_login,
    ...(force_login && session && { prior_sid: session.sid }),
  };
  const id = randomToken(32);
  await deps.interactions.put(id, record);
  return { id, record };
}
