import type { Config } from '../config';
import { logEvent } from '../log';
import type {
  ActiveSession, ConsentPort, GrantPort, InteractionPort, InteractionRecord, KeyStorePort, LifecycleIndexPort, RemoteJwksPort, ResolvedRequest, SessionPort, User, UserStore,
} from '../storage/ports';
import type { ResponseTarget } from './authorization-response';
import { completeAuthorization } from './code-issuance';
import { assertResponseDeliverable } from './jarm';
import { consentCovers } from './consent';
import { AccessDenied, ConsentRequired, LoginRequired, type OAuthError } from './errors';
import { subjectOfIdTokenHint } from './id-token-hint';
import { loginSatisfies, promptValues, requiresFreshLogin, startInteraction, type LoginRequirement } from './interaction';
import { targetOf } from './request-resolution';
import type { StoredClient } from './types';

/**
 * The authorization flow of the browser (RFC 6749 §4.1.1–4.1.2, OpenID
 * Connect Core §3.1.2.1–3.1.2.6): from a resolved request or a started
 * interaction, the browser's session and the remembered consent, what happens
 * next. Routes parse input, call one of the three entry points, and render the
 * step; errors the flow throws go where the error handler sends them.
 */
export type AuthorizationStep =
  /** Show interaction `id`'s login page. */
  | { kind: 'login'; id: string; interaction: InteractionRecord }
  /** Show interaction `id`'s consent page to the signed-in `username`. */
  | { kind: 'consent'; id: string; interaction: InteractionRecord; username: string }
  /** The code is issued: send `params` to `target` (RFC 6749 §4.1.2). */
  | { kind: 'complete'; target: ResponseTarget; params: { code: string } }
  /** Send `error` to the client as an error response (RFC 6749 §4.1.2.1). */
  | { kind: 'error'; error: OAuthError };

/** What the flow reads and writes: consents, accounts, interactions, grants and sessions through their ports (storage/ports.ts). */
export interface FlowDeps {
  config: Config;
  now: () => number;
  consents: ConsentPort;
  users: UserStore;
  interactions: InteractionPort;
  grants: GrantPort;
  sessions: SessionPort;
  lifecycle: Pick<LifecycleIndexPort, 'recordGrant'>;
  keys: KeyStorePort;
  remoteJwks: RemoteJwksPort;
  requestId: string;
}

type Need = { need: 'login' } | { need: 'consent' | 'complete'; session: ActiveSession };

/** The one check of what is missing: a login that satisfies the request, then a consent covering its scope. */
async function needOf(record: ResolvedRequest, login: LoginRequirement, session: ActiveSession | null, deps: FlowDeps): Promise<Need> {
  if (!loginSatisfies(login, session)) return { need: 'login' };
  const [user, consent] = await Promise.all([deps.users.get(session.sub), deps.consents.get(session.sub, record.request.client_id)]);
  if (!user) return { need: 'login' }; // a session whose account was deleted signs no one in (DESIGN.md "What logout ends")
  return { need: consentCovers(record.request, consent) ? 'complete' : 'consent', session };
}

/** Issues the code for an approved request in `session` and names where it goes (RFC 6749 §4.1.2). */
async function complete(record: ResolvedRequest, client: StoredClient, session: ActiveSession, deps: FlowDeps): Promise<AuthorizationStep> {
  // Before the code exists: a response that could never reach the client must not spend the request_uri.
  await assertResponseDeliverable(client, record.request.response_mode, deps);
  const { code } = await completeAuthorization(record, session, deps, client);
  logEvent('authorization_code_issued', {
    request_id: deps.requestId, client_id: client.client_id, sub: session.sub, par: record.par,
    response_mode: record.request.response_mode ?? 'query',
  });
  return { kind: 'complete', target: targetOf(record, client), params: { code } };
}

/** The page an interaction shows; the consent page names the signed-in account (`user` when just authenticated). */
async function page(need: Exclude<Need, { need: 'complete' }>, id: string, interaction: InteractionRecord, deps: FlowDeps, user?: User): Promise<AuthorizationStep> {
  if (need.need === 'login') return { kind: 'login', id, interaction };
  const account = user ?? (await deps.users.get(need.session.sub));
  return { kind: 'consent', id, interaction, username: account?.username ?? need.session.sub };
}

/**
 * At /authorize: answers at once when the session and the remembered consent
 * suffice (SSO); with prompt=none refuses what would need a page (OpenID
 * Connect Core §3.1.2.6); else starts an interaction bound to the browser
 * whose binding secret is `browser`, and names its first page.
 */
export async function beginAuthorization(
  input: { resolved: ResolvedRequest; client: StoredClient; session: ActiveSession | null; browser: string }, deps: FlowDeps,
): Promise<AuthorizationStep> {
  const { resolved, client, session } = input;
  const now = deps.now();
  const hint = resolved.request.id_token_hint;
  // OIDC Core §3.1.2.1: a session of another user than the hinted one must not answer.
  const hinted = hint === undefined ? undefined : await subjectOfIdTokenHint(hint, client, deps);
  const otherUser = hinted !== undefined && session !== null && hinted !== session.sub;
  const force_login = otherUser || requiresFreshLogin(resolved.request, session, now);
  const next = await needOf(resolved, { force_login, prior_sid: session?.sid, created_at: now }, session, deps);
  if (next.need === 'complete') return complete(resolved, client, next.session, deps);
  if (promptValues(resolved.request).includes('none')) {
    const error = next.need === 'login'
      ? new LoginRequired('the user is not signed in, or must sign in again')
      : new ConsentRequired('the user has not consented to this client and scope');
    return { kind: 'error', error };
  }
  const { id, record } = await startInteraction(resolved, session, force_login, input.browser, deps);
  logEvent('interaction_started', { request_id: deps.requestId, client_id: client.client_id, par: resolved.par, step: next.need });
  return page(next, id, record, deps);
}

/** On an interaction's page, or right after its login (`user`, just authenticated): what the request needs now. */
export async function resumeAuthorization(
  input: { id: string; interaction: InteractionRecord; client: StoredClient; session: ActiveSession | null; user?: User }, deps: FlowDeps,
): Promise<AuthorizationStep> {
  const { interaction } = input;
  const next = await needOf(interaction, interaction, input.session, deps);
  if (next.need === 'complete') return complete(interaction, input.client, next.session, deps);
  return page(next, input.id, interaction, deps, input.user);
}

/**
 * The user's answer on the consent page (OpenID Connect Core §3.1.2.4): `allow`
 * remembers the granted scopes for this user and client and completes, `deny`
 * is `access_denied` for the client (RFC 6749 §4.1.2.1). Signed out, or a
 * different login needed, since the page was shown: back to the login page.
 */
export async function answerConsent(
  input: { id: string; interaction: InteractionRecord; client: StoredClient; session: ActiveSession | null; decision: 'allow' | 'deny' }, deps: FlowDeps,
): Promise<AuthorizationStep> {
  const { interaction, session } = input;
  if (!loginSatisfies(interaction, session)) return { kind: 'login', id: input.id, interaction };
  if (input.decision === 'deny') return { kind: 'error', error: new AccessDenied('the user denied the request') };
  const { request } = interaction;
  await deps.consents.grant(session.sub, request.client_id, request.scope, deps.now());
  logEvent('consent_granted', { request_id: deps.requestId, client_id: input.client.client_id, sub: session.sub, scope: request.scope });
  return complete(interaction, input.client, session, deps);
}
