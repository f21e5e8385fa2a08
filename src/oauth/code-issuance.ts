import type { Config } from '../config';
import type { GrantPort } from '../storage/ports';
import type { SessionPort, ActiveSession, LifecycleIndexPort, ResolvedRequest } from '../storage/ports';
import { issueAuthorizationCode } from './authorization-code';
import { resolveClientPolicy } from './client-policy';
import { grantedDetails } from './authorization-details';
import { InvalidRequest, InvalidRequestUri } from './errors';
import type { GrantData } from './grant-data';
import type { AuthorizationRequest, Client } from './types';

export interface CompleteDeps {
  config: Config;
  grants: GrantPort;
  sessions: SessionPort;
  lifecycle: Pick<LifecycleIndexPort, 'recordGrant'>;
  now: () => number;
}

/** Whether the ID token must carry auth_time: max_age was sent, or auth_time is an essential claim (OIDC Core §3.1.2.1, §5.5.1). */
function requiresAuthTime(request: AuthorizationRequest): boolean {
  if (request.max_age !== undefined) return true;
  if (request.claims === undefined) return false;
  const idToken = (JSON.parse(request.claims) as { id_token?: Record<string, { essential?: boolean } | null> }).id_token;
  return idToken?.auth_time?.essential === true;
}

/** What the user granted: the scope, and the `claims` parameter reduced to what may be released (OpenID Connect Core §5.5). */
export interface Granted {
  scope: string;
  claims?: string;
}

/**
 * Issues the authorization code for an approved request in `session` (RFC 6749
 * §4.1.2) and notes the client in the session for logout fan-out. The grant
 * object accepts one issue per handle, which is where a request_uri is used
 * up: a second completed use fails (RFC 9126 §4, DESIGN.md).
 */
export async function completeAuthorization(
  input: ResolvedRequest, session: ActiveSession, granted: Granted, deps: CompleteDeps, client: Client,
): Promise<{ code: string }> {
  const { request } = input;
  const data: GrantData = {
    client_id: request.client_id,
    sub: session.sub,
    scope: granted.scope,
    redirect_uri: request.redirect_uri,
    sid: session.sid,
    auth_time: session.auth_time,
    amr: session.amr,
    ...(session.acr !== undefined && { acr: session.acr }),
    ...(request.nonce !== undefined && { nonce: request.nonce }),
    ...(granted.claims !== undefined && { claims: granted.claims }),
    ...(request.resource !== undefined && { resource: request.resource.split(' ') }),
    ...grantedDetails(request),
    require_auth_time: requiresAuthTime(request),
    client_id_issued_at: client.client_id_issued_at,
  };
  const outcome = await issueAuthorizationCode(deps, {
    handle: input.handle,
    data,
    code_challenge: request.code_challenge,
    code_challenge_method: request.code_challenge_method,
    redirect_uri_required: request.redirect_uri_defaulted !== true,
    dpop_jkt: request.dpop_jkt,
    code_lifetime: resolveClientPolicy(client, deps.config).code_lifetime,
  });
  if (!outcome.ok) {
    if (input.par) throw new InvalidRequestUri('the request_uri has already been used (RFC 9126 §4)');
    throw new InvalidRequest('this authorization request has already been completed');
  }
  // The lifecycle index lets a user's or client's deletion find this grant (DESIGN.md "What logout ends").
  const { codeLifetime, accessTokenLifetime, refreshTokenLifetime } = deps.config;
  const created_at = deps.now();
  await Promise.all([
    deps.sessions.addClient(session.sid, request.client_id, input.handle),
    deps.lifecycle.recordGrant({
      handle: input.handle, client_id: request.client_id, sub: session.sub, sid: session.sid, created_at,
      expires_at: created_at + codeLifetime + Math.max(accessTokenLifetime, refreshTokenLifetime),
    }),
  ]);
  return { code: outcome.code };
}

/**
 * Spends a request the user denied (RFC 9126 §7.3: a request_uri is for one
 * use; RFC 6749 §4.1.2.1 access_denied): the grant takes a code that nobody
 * is given and is revoked at once, so neither this request_uri nor this
 * interaction can be completed afterwards. Losing the race to an Allow in
 * another tab leaves that tab's code alone.
 */
export async function spendAuthorization(input: ResolvedRequest, session: Pick<ActiveSession, 'sub' | 'auth_time'>, deps: CompleteDeps): Promise<void> {
  const { request } = input;
  const data: GrantData = { client_id: request.client_id, sub: session.sub, scope: '', redirect_uri: request.redirect_uri, auth_time: session.auth_time };
  const outcome = await issueAuthorizationCode(deps, { handle: input.handle, data });
  if (outcome.ok) await deps.grants.grant(input.handle).revoke();
}
