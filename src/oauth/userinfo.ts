import type { GrantPort } from '../storage/ports';
import type { ReplayStore, UserStore } from '../storage/ports';
import { verifyAccessToken, type AccessTokenClaims, type AccessTokenDeps } from './access-token';
import { requestedClaims, scopeClaims, selectUserClaims } from './claims';
import { checkSenderConstraint } from './dpop-binding';
import { InsufficientScope, InvalidToken } from './errors';
import type { ProtectedResourceRequest } from './request-input';
import type { GrantData } from './grant-data';
import { hasScope } from './token-scope';

export interface UserInfoDeps extends AccessTokenDeps {
  grants: GrantPort;
  users: UserStore;
  replay: ReplayStore;
}

/** The access token's claims, if it is a valid user token carrying `openid` (RFC 9068 §4, OpenID Connect Core §5.3). */
async function verifiedUserToken(token: string, deps: UserInfoDeps): Promise<AccessTokenClaims & { grant: string }> {
  const verified = await verifyAccessToken(token, deps);
  if (!verified.ok) throw new InvalidToken('the access token is invalid or expired');
  const { claims } = verified;
  if (!hasScope(claims.scope, 'openid')) throw new InsufficientScope('the access token does not carry the openid scope');
  if (!claims.grant) throw new InvalidToken('the access token does not represent an end-user');
  return claims as AccessTokenClaims & { grant: string };
}

/** Confirms with the token's grant object that neither the grant nor this token (`jti`) was revoked. */
async function liveGrantData(claims: AccessTokenClaims & { grant: string }, deps: UserInfoDeps): Promise<GrantData> {
  const status = await deps.grants.grant(claims.grant).status({ now: deps.now(), jti: claims.jti });
  if (!status.active) throw new InvalidToken('the access token has been revoked or has expired');
  const data = status.data;
  if (data.sub !== claims.sub || data.client_id !== claims.client_id) throw new InvalidToken('the access token does not match its grant');
  return data;
}

/**
 * Verifies an access token and confirms with its grant object that neither the
 * grant nor this token (`jti`) was revoked, so revocation takes effect at once.
 * Returns the token's claims and the grant's data.
 */
export async function requireLiveUserToken(token: string, deps: UserInfoDeps): Promise<{ claims: AccessTokenClaims; data: GrantData }> {
  const claims = await verifiedUserToken(token, deps);
  return { claims, data: await liveGrantData(claims, deps) };
}

/**
 * The UserInfo response (OpenID Connect Core §5.3.2): `sub` always, the claims
 * of the token's standard scope values (§5.4), plus those asked for through
 * `claims.userinfo` (§5.5). Claims the account lacks are omitted. A bound
 * token must come with its DPoP proof or client certificate (RFC 9449 §7.1,
 * RFC 8705 §3). The grant check, the proof's `jti` record and the account read
 * run side by side (one round trip of latency, not three); nothing from the
 * account is answered unless the grant is live and the sender proven.
 */
export async function readUserInfo(request: ProtectedResourceRequest, deps: UserInfoDeps): Promise<Record<string, unknown>> {
  const claims = await verifiedUserToken(request.access_token.value, deps);
  const [data, user] = await Promise.all([
    liveGrantData(claims, deps), deps.users.get(claims.sub), checkSenderConstraint(request, claims.cnf, deps),
  ]);
  if (!user || user.disabled) throw new InvalidToken('the end-user of this access token no longer exists or is disabled');
  const names = new Set([...scopeClaims(claims.scope), ...requestedClaims(data.claims, 'userinfo')]);
  return { ...selectUserClaims(user, names), sub: user.sub };
}
