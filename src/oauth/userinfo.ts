import type { GrantStore } from '../storage/do-grants';
import type { UserStore } from '../storage/ports';
import { verifyAccessToken, type AccessTokenClaims, type AccessTokenDeps } from './access-token';
import { requestedClaims, scopeClaims, selectUserClaims } from './claims';
import { InvalidToken, OAuthError } from './errors';
import type { GrantData } from './grant-data';
import { hasScope } from './token-scope';

export interface UserInfoDeps extends AccessTokenDeps {
  grants: GrantStore;
  users: UserStore;
}

/** RFC 6750 §3.1 `insufficient_scope`: 403. */
function insufficientScope(description: string): OAuthError {
  return new OAuthError('insufficient_scope', description, 403);
}

/**
 * Verifies an access token and confirms with its grant object that neither the
 * grant nor this token (`jti`) was revoked, so revocation takes effect at once.
 * Returns the token's claims and the grant's data.
 */
export async function requireLiveUserToken(token: string, deps: UserInfoDeps): Promise<{ claims: AccessTokenClaims; data: GrantData }> {
  const verified = await verifyAccessToken(token, deps);
  if (!verified.ok) throw new InvalidToken('the access token is invalid or expired');
  const { claims } = verified;
  if (!hasScope(claims.scope, 'openid')) throw insufficientScope('the access token does not carry the openid scope');
  if (!claims.grant) throw new InvalidToken('the access token does not represent an end-user');
  const status = await deps.grants.grant(claims.grant).status({ now: deps.now(), jti: claims.jti });
  if (!status.active) throw new InvalidToken('the access token has been revoked or has expired');
  const data = status.data as unknown as GrantData;
  if (data.sub !== claims.sub || data.client_id !== claims.client_id) throw new InvalidToken('the access token does not match its grant');
  return { claims, data };
}

/**
 * The UserInfo response (OpenID Connect Core §5.3.2): `sub` always, the claims
 * of the token's standard scope values (§5.4), plus those asked for through
 * `claims.userinfo` (§5.5). Claims the account lacks are omitted.
 */
export async function readUserInfo(token: string, deps: UserInfoDeps): Promise<Record<string, unknown>> {
  const { claims, data } = await requireLiveUserToken(token, deps);
  const user = await deps.users.get(claims.sub);
  if (!user) throw new InvalidToken('the end-user of this access token no longer exists');
  const names = new Set([...scopeClaims(claims.scope), ...requestedClaims(data.claims, 'userinfo')]);
  return { ...selectUserClaims(user, names), sub: user.sub };
}
