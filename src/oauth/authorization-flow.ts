import type { Config } from '../config';
import { logEvent } from '../log';
import type {
  ActiveSession, ConsentPort, GrantPort, InteractionPort, InteractionRecord, KeyStorePort, LifecycleIndexPort, RemoteJwksPort, ResolvedRequest, SessionPort, User, UserStore,
} from '../storage/ports';
import type { ResponseTarget } from './authorization-response';
import { claimsAllowedFor, essentialAcrValues, individualClaims, releasableClaims, requestedSubjects } from './claims';
import { completeAuthorization, spendAuthorization } from './code-issuance';
import { assertResponseDeliverable } from './jarm';
import { consentBinding, consentBoundTo, consentCovers, withoutOfflineAccess } from './consent';
import { AccessDenied, ConsentRequired, InvalidRequest, LoginRequired, UnmetAuthenticationRequirements, type OAuthError } from './errors';
import { subjectOfIdTokenHint } from './id-token-hint';
import { loginSatisfies, promptValues, requiresFreshLogin, startInteraction, type LoginRequirement } from './interaction';
import { PASSWORD_ACR } from './login';
import { targetOf } from './request-resolution';
import { sessionStateParam } from './session-state';
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
  /**
   * Show interaction `id`'s consent page to the signed-in `username`: the
   * scope, each claim asked for by name (`claims`, OpenID Connect Core §5.5),
   * and the `binding` its form must send back (the session it is shown to).
   */
  | { kind: 'consent'; id: string; interaction: InteractionRecord; username: string; claims: string[]; binding: string }
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

type Need = { need: 'login' } | { need: 'consent' | 'complete'; session: ActiveSession } | { need: 'error'; error: OAuthError };

/** The acr values Portcullis can authenticate with (oauth/login.ts); README documents them. */
const SUPPORTED_ACRS = [PASSWORD_ACR];

/**
 * What a signed-in session cannot give the request: another user than the one
 * it names through `claims` or an id_token_hint (OpenID Connect Core §3.1.2.2, §5.5.1: never
 * answer for a different user; login_required, as node-oidc-provider does), or
 * an essential acr it was not authenticated with (§5.5.1.1; OpenID Connect
 * Unmet Authentication Requirements 1.0 §1).
 */
function unmetBy(record: ResolvedRequest & Pick<InteractionRecord, 'hinted_sub'>, session: ActiveSession): OAuthError | undefined {
  const { request } = record;
  const named = [...requestedSubjects(request.claims), ...(record.hinted_sub === undefined ? [] : [record.hinted_sub])];
  if (named.some((sub) => sub !== session.sub)) {
    return new LoginRequired('the signed-in user is not the one the request names (sub)');
  }
  const acrs = essentialAcrValues(request.claims);
  if (acrs !== undefined && (session.acr === undefined || !acrs.includes(session.acr))) {
    return new UnmetAuthenticationRequirements('the essential acr requested cannot be met');
  }
  return undefined;
}

/** The one check of what is missing: a login that satisfies the request, by the user it names, then a consent covering its scope and claims. */
async function needOf(record: ResolvedRequest, client: StoredClient, login: LoginRequirement, session: ActiveSession | null, deps: FlowDeps): Promise<Need> {
  if (!loginSatisfies(login, session)) return { need: 'login' };
  const [user, consent] = await Promise.all([deps.users.get(session.sub), deps.consents.get(session.sub, record.request.client_id)]);
  if (!user || user.disabled) return { need: 'login' }; // a session whose account was deleted or disabled signs no one in (DESIGN.md "What logout ends")
  const error = unmetBy(record, session);
  if (error) return { need: 'error', error };
  const claims = individualClaims(record.request, client.scope);
  return { need: consentCovers(record.request, consent, claims) ? 'complete' : 'consent', session };
}

/**
 * Issues the code for an approved request in `session` and names where it goes
 * (RFC 6749 §4.1.2). It grants what the user consented to and the client may
 * ask for: claims named in `claims` only under the client's registered scope
 * (OpenID Connect Core §5.4, §5.5), and `offline_access` only when the user
 * just allowed it on the consent page (`onPage`, §11).
 */
async function complete(record: ResolvedRequest, client: StoredClient, session: ActiveSession, onPage: boolean, deps: FlowDeps): Promise<AuthorizationStep> {
  // Before the code exists: a response that could never reach the client must not spend the request_uri.
  await assertResponseDeliverable(client, record.request.response_mode, deps);
  const { request } = record;
  const granted = {
    scope: onPage ? request.scope : withoutOfflineAccess(request.scope),
    claims: releasableClaims(request.claims, claimsAllowedFor(client.scope)),
  };
  const { code } = await completeAuthorization(record, session, granted, deps, client);
  logEvent('authorization_code_issued', {
    request_id: deps.requestId, client_id: client.client_id, sub: session.sub, par: record.par,
    response_mode: record.request.response_mode ?? 'query',
  });
  return { kind: 'complete', target: targetOf(record, client), params: { code, ...(await sessionStateParam(client.client_id, record.request.redirect_uri, session)) } };
}

/** The page an interaction shows; the consent page names the signed-in account (`user` when just authenticated). */
async function page(
  need: Exclude<Need, { need: 'complete' | 'error' }>, id: string, interaction: InteractionRecord, client: StoredClient, deps: FlowDeps, user?: User,
): Promise<AuthorizationStep> {
  if (need.need === 'login') return { kind: 'login', id, interaction };
  const account = user ?? (await deps.users.get(need.session.sub));
  return {
    kind: 'consent', id, interaction, username: account?.username ?? need.session.sub,
    claims: individualClaims(interaction.request, client.scope), binding: await consentBinding(interaction.csrf, need.session),
  };
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
  const { request } = resolved;
  const now = deps.now();
  // OIDC Core §5.5.1.1: an essential acr no login here can give fails before the user types a password.
  const acrs = essentialAcrValues(request.claims);
  if (acrs !== undefined && !acrs.some((acr) => SUPPORTED_ACRS.includes(acr))) {
    return { kind: 'error', error: new UnmetAuthenticationRequirements('the essential acr requested cannot be met') };
  }
  const hint = request.id_token_hint;
  // OIDC Core §3.1.2.2, §5.5.1: a session of another user than the hinted or requested one must not answer.
  const hinted = hint === undefined ? undefined : await subjectOfIdTokenHint(hint, client, deps);
  const named = [...(hinted === undefined ? [] : [hinted]), ...requestedSubjects(request.claims)];
  const otherUser = session !== null && named.some((sub) => sub !== session.sub);
  const force_login = otherUser || requiresFreshLogin(request, session, now);
  const next = await needOf(resolved, client, { force_login, prior_sid: session?.sid, created_at: now }, session, deps);
  if (next.need === 'error') return { kind: 'error', error: next.error };
  if (next.need === 'complete') return complete(resolved, client, next.session, false, deps);
  if (promptValues(resolved.request).includes('none')) {
    const error = next.need === 'login'
      ? new LoginRequired('the user is not signed in, or must sign in again')
      : new ConsentRequired('the user has not consented to this client and scope');
    return { kind: 'error', error };
  }
  const { id, record } = await startInteraction(resolved, session, { force_login, hinted_sub: hinted }, input.browser, deps);
  logEvent('interaction_started', { request_id: deps.requestId, client_id: client.client_id, par: resolved.par, step: next.need });
  return page(next, id, record, client, deps);
}

/** On an interaction's page, or right after its login (`user`, just authenticated): what the request needs now. */
export async function resumeAuthorization(
  input: { id: string; interaction: InteractionRecord; client: StoredClient; session: ActiveSession | null; user?: User }, deps: FlowDeps,
): Promise<AuthorizationStep> {
  const { interaction } = input;
  const next = await needOf(interaction, input.client, interaction, input.session, deps);
  if (next.need === 'error') return { kind: 'error', error: next.error };
  if (next.need === 'complete') return complete(interaction, input.client, next.session, false, deps);
  return page(next, input.id, interaction, input.client, deps, input.user);
}

/**
 * The user's answer on the consent page (OpenID Connect Core §3.1.2.4): `allow`
 * remembers the granted scopes and individually named claims for this user and
 * client and completes, `deny` spends the request (RFC 9126 §7.3) and is
 * `access_denied` for the client (RFC 6749 §4.1.2.1). Signed out, or a
 * different login needed, since the page was shown: back to the login page.
 * An answer from another session or user than the page was shown to (another
 * account signed in in another tab) is refused with a page, never a code.
 */
export async function answerConsent(
  input: { id: string; interaction: InteractionRecord; client: StoredClient; session: ActiveSession | null; decision: 'allow' | 'deny'; binding: string | undefined },
  deps: FlowDeps,
): Promise<AuthorizationStep> {
  const { interaction, session } = input;
  if (!loginSatisfies(interaction, session)) return { kind: 'login', id: input.id, interaction };
  if (!(await consentBoundTo(input.binding, interaction.csrf, session))) {
    throw new InvalidRequest('this page was shown to another sign-in: the account changed since. Go back to the application and start again.', { allowRedirect: false });
  }
  const unmet = unmetBy(interaction, session);
  if (unmet) return { kind: 'error', error: unmet };
  if (input.decision === 'deny') {
    await spendAuthorization(interaction, session, deps);
    return { kind: 'error', error: new AccessDenied('the user denied the request') };
  }
  const { request } = interaction;
  const claims = individualClaims(request, input.client.scope);
  await deps.consents.grant(session.sub, request.client_id, { scope: withoutOfflineAccess(request.scope), claims }, deps.now());
  logEvent('consent_granted', { request_id: deps.requestId, client_id: input.client.client_id, sub: session.sub, scope: request.scope, claims: claims.join(' ') });
  return complete(interaction, input.client, session, true, deps);
}
