import { logEvent } from '../log';
import { issueAccessToken } from './access-token';
import { SCOPES } from './capabilities';
import { InvalidScope, UnauthorizedClient } from './errors';
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
 * The client credentials grant (RFC 6749 §4.4): a confidential client gets an
 * access token for itself, `sub` = its client_id (RFC 9068 §2.2). No refresh
 * token (§4.4.3) and no ID token. The token names no grant object, so it lives
 * until it expires; it cannot be revoked one by one.
 */
export async function clientCredentialsGrant(request: ClientRequest, deps: TokenDeps): Promise<TokenResponse> {
  const { client, form } = request;
  if (isPublicClient(client)) throw new UnauthorizedClient('client_credentials needs an authenticated client (RFC 6749 section 4.4)');
  const scope = clientCredentialsScope(client, form.get('scope'));
  const jti = newJti();
  const now = deps.now();
  const exp = now + deps.config.accessTokenLifetime;
  const { access_token, token_type } = await issueAccessToken({ sub: client.client_id, client_id: client.client_id, scope, jti, iat: now, exp }, deps);
  logEvent('token_issued', { request_id: deps.requestId, client_id: client.client_id, grant_type: 'client_credentials', jti });
  return { access_token, token_type, expires_in: exp - now, scope };
}
