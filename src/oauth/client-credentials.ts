import { logEvent } from '../log';
import { issueAccessToken } from './access-token';
import { SCOPES } from './capabilities';
import type { TokenBinding } from './dpop-binding';
import { InvalidAuthorizationDetails, InvalidScope, InvalidTarget, UnauthorizedClient } from './errors';
import { accessTokenExpiry, grantAudience, loadResources, parseResources, type TokenAudience } from './resources';
import type { ClientRequest } from './request-input';
import { newJti, type TokenDeps, type TokenResponse } from './token-response';
import { parseScope } from './token-scope';
import { isPublicClient, type StoredClient } from './types';

/** OpenID Connect scopes name an end-user's data; a client acting for itself has no end-user. */
const USER_SCOPES = new Set(SCOPES);

/**
 * The scope of a client credentials token: what was requested, all of it
 * within the client's registered `scope`; when omitted, the registered scope
 * (RFC 6749 §3.3 default). A client with no registered scope gets an empty
 * one. OpenID Connect scopes are refused: there is no end-user (RFC 6749 §4.4).
 */
export function clientCredentialsScope(client: StoredClient, requested: string | undefined): string {
  const registered = (client.scope ?? '').split(' ').filter((s) => s && !USER_SCOPES.has(s));
  if (requested === undefined) return registered.join(' ');
  const allowed = new Set(registered);
  const tokens = parseScope(requested);
  const refused = tokens.find((t) => !allowed.has(t));
  if (refused !== undefined) throw new InvalidScope(`scope "${refused}" is not available to this client with client_credentials`);
  return tokens.join(' ');
}

/**
 * The audience of a client credentials token (RFC 8707 §2.2): the one
 * `resource` named, a registered API the client may request, else the
 * default audience. An explicitly requested scope the API does not define is
 * `invalid_scope`; the registered default scope is narrowed to the API's.
 */
async function clientCredentialsAudience(
  client: StoredClient, scope: string, explicit: boolean, resource: string | undefined, deps: TokenDeps,
): Promise<TokenAudience> {
  const named = parseResources(resource);
  if (named.length > 1) throw new InvalidTarget('name one resource per token request: an access token has one audience (RFC 8707 section 2.2)');
  if (named.length === 0) return grantAudience({ scope }, undefined, deps);
  const [api] = await loadResources(named, client, deps.apis);
  const audience = await grantAudience({ scope, resource: named }, undefined, deps);
  if (explicit && audience.scope !== scope) {
    const own = new Set(api!.scopes.map((s) => s.name));
    throw new InvalidScope(`scope "${scope.split(' ').find((s) => !own.has(s))}" is not a scope of resource "${api!.identifier}" (RFC 8707 section 2.2)`);
  }
  return audience;
}

/**
 * The client credentials grant (RFC 6749 §4.4): a confidential client gets an
 * access token for itself, `sub` = its client_id (RFC 9068 §2.2). No refresh
 * token (§4.4.3) and no ID token. The token names no grant object, so it lives
 * until it expires; it cannot be revoked one by one. A DPoP proof or client
 * certificate binds it (RFC 9449 §5, RFC 8705 §3).
 */
export async function clientCredentialsGrant(request: ClientRequest, deps: TokenDeps, binding: TokenBinding): Promise<TokenResponse> {
  const { client, form } = request;
  if (isPublicClient(client)) throw new UnauthorizedClient('client_credentials needs an authenticated client (RFC 6749 section 4.4)');
  // Not silently dropped: a client asking for details must not get a token without them and think otherwise.
  if (form.has('authorization_details')) throw new InvalidAuthorizationDetails('authorization_details is not supported with client_credentials');
  const requested = form.get('scope');
  const audience = await clientCredentialsAudience(client, clientCredentialsScope(client, requested), requested !== undefined, form.get('resource'), deps);
  const { scope } = audience;
  const jti = newJti();
  const now = deps.now();
  const exp = accessTokenExpiry(audience, now, deps.config);
  const { access_token, token_type } = await issueAccessToken(
    { sub: client.client_id, aud: audience.aud, client_id: client.client_id, scope, jti, iat: now, exp, cnf: binding.cnf }, deps, audience.api?.access_token_signing_alg,
  );
  logEvent('token_issued', { request_id: deps.requestId, client_id: client.client_id, grant_type: 'client_credentials', jti });
  return { access_token, token_type, expires_in: exp - now, scope };
}
