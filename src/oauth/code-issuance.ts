import type { Config } from '../config';
import type { GrantPort } from '../storage/ports';
import type { SessionPort, ActiveSession, ResolvedRequest } from '../storage/ports';
import { issueAuthorizationCode } from './authorization-code';
import { InvalidRequest, InvalidRequestUri } from './errors';
import type { GrantData } from './grant-data';
import type { AuthorizationRequest } from './types';

export interface CompleteDeps {
  config: Config;
  grants: GrantPort;
  sessions: SessionPort;
  now: () => number;
}

/** Whether the ID token must carry auth_time: max_age was sent, or auth_time is an essential claim (OIDC Core §3.1.2.1, §5.5.1). */
function requiresAuthTime(request: AuthorizationRequest): boolean {
  if (request.max_age !== undefined) return true;
  if (request.claims === undefined) return false;
  const idToken = (JSON.parse(request.claims) as { id_token?: Record<string, { essential?: boolean } | null> }).id_token;
  return idToken?.auth_time?.essential === true;
}

/**
 * Issues the authorization code for an approved request in `session` (RFC 6749
 * §4.1.2) and notes the client in the session for logout fan-out. The grant
 * object accepts one issue per handle, which is where a request_uri is used
 * up: a second completed use fails (RFC 9126 §4, DESIGN.md).
 */
export async function completeAuthorization(
  input: ResolvedRequest, session: ActiveSession, deps: CompleteDeps,
): Promise<{ code: string }> {
  const { request } = input;
  const data: GrantData = {
    client_id: request.client_id,
    sub: session.sub,
    scope: request.scope,
    redirect_uri: request.redirect_uri,
    sid: session.sid,
    auth_time: session.auth_time,
    amr: session.amr,
    ...(session.acr !== undefined && { acr: session.acr }),
    ...(request.nonce !== undefined && { nonce: request.nonce }),
    ...(request.claims !== undefined && { claims: request.claims }),
    ...(request.resource !== undefined && { resource: request.resource.split(' ') }),
    require_auth_time: requiresAuthTime(request),
  };
  const outcome = await issueAuthorizationCode(deps, {
    handle: input.handle,
    data,
    code_challenge: request.code_challenge,
    code_challenge_method: request.code_challenge_method,
  });
  if (!outcome.ok) {
    if (input.par) throw new InvalidRequestUri('the request_uri has already been used (RFC 9126 §4)');
    throw new InvalidRequest('this authorization request has already been completed');
  }
  await deps.sessions.addClient(session.sid, request.client_id, input.handle);
  return { code: outcome.code };
}
