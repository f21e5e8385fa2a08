import { sha256b64 } from '../crypto/hash';
import { logEvent } from '../log';
import type { GrantPort } from '../storage/ports';
import { verifyAccessToken, type AccessTokenDeps } from './access-token';
import { InvalidRequest } from './errors';
import { splitToken } from './grant-data';
import type { ClientRequest } from './request-input';
import type { StoredClient } from './types';

export interface RevocationDeps extends AccessTokenDeps {
  grants: GrantPort;
  requestId: string;
}

/**
 * Revokes a token of the authenticated client (RFC 7009 §2.1). The token's
 * form decides its type; `token_type_hint` is only a hint (§2.1) and is not
 * needed. A refresh token ends its whole grant, access tokens included (§2.1:
 * "SHOULD also invalidate all access tokens based on the same authorization
 * grant"); an access token is revoked on its own. A token that is unknown,
 * invalid, expired or belongs to another client changes nothing, and the
 * answer is the same 200 either way (§2.2), so it reveals nothing.
 */
export async function revokeToken(request: ClientRequest, deps: RevocationDeps): Promise<void> {
  const { client, form } = request;
  const token = form.get('token');
  if (token === undefined) throw new InvalidRequest('token is required (RFC 7009 section 2.1)');
  const parts = splitToken(token);
  const outcome = parts ? await revokeRefreshToken(client, parts, deps) : await revokeAccessToken(client, token, deps);
  logEvent('token_revocation', { request_id: deps.requestId, client_id: client.client_id, token_type: parts ? 'refresh_token' : 'access_token', outcome });
}

async function revokeRefreshToken(client: StoredClient, parts: { handle: string; secret: string }, deps: RevocationDeps): Promise<string> {
  const grant = deps.grants.grant(parts.handle);
  const check = await grant.checkRefresh({ presented_hash: await sha256b64(parts.secret), now: deps.now() });
  if (!check.ok) return check.reason;
  if (check.data.client_id !== client.client_id) return 'other_client';
  await grant.revoke();
  return 'grant_revoked';
}

async function revokeAccessToken(client: StoredClient, token: string, deps: RevocationDeps): Promise<string> {
  // Any audience (RFC 8707): a client revokes its tokens for registered APIs too.
  const verified = await verifyAccessToken(token, deps, null);
  if (!verified.ok) return verified.reason;
  const { claims } = verified;
  if (claims.client_id !== client.client_id) return 'other_client';
  // Client credentials tokens name no grant object to record the revocation in; they expire on their own.
  if (!claims.grant) return 'not_revocable';
  await deps.grants.grant(claims.grant).revokeAccessToken({ jti: claims.jti });
  return 'access_token_revoked';
}
