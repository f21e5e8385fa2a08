import type { Config } from '../config';
import type { GrantHandle } from '../storage/ports';
import { sha256b64 } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import { logEvent } from '../log';
import type { TokenBinding } from './dpop-binding';
import { parseAuthorizationDetails, tokenDetails } from './authorization-details';
import { InvalidGrant, InvalidRequest, InvalidTarget } from './errors';
import { accessTokenExpiry, grantAudience, parseResources, type TokenAudience } from './resources';
import { joinToken, splitToken } from './grant-data';
import type { ClientRequest } from './request-input';
import { sameRegistration } from './registration-instance';
import { mintGrantTokens, newJti, type TokenDeps, type TokenResponse } from './token-response';
import { hasScope, narrowScope, parseScope } from './token-scope';
import { isPublicClient, type Client, type StoredClient } from './types';

/** One description for every refresh failure, so the answer reveals nothing about the token. */
const INVALID_REFRESH = 'the refresh token is invalid, expired, revoked or was issued to another client';

/**
 * Whether an authorization yields a refresh token. Only when the client is
 * registered for the `refresh_token` grant type (RFC 6749 §1.5, RFC 7591 §2),
 * and then:
 * - for an OpenID Connect request (scope has `openid`) only when the
 *   `offline_access` scope was granted (OpenID Connect Core §11);
 * - for a plain OAuth 2.0 request (no `openid`) always.
 * Whether `offline_access` is granted at all is decided at the authorization
 * endpoint: only by an Allow on a consent page that listed it (§11,
 * oauth/consent.ts).
 */
export function mayIssueRefreshToken(client: Pick<Client, 'grant_types'>, grantedScope: string): boolean {
  if (!client.grant_types.includes('refresh_token')) return false;
  return !hasScope(grantedScope, 'openid') || hasScope(grantedScope, 'offline_access');
}

/**
 * How long a client may retry with its previous refresh token (DESIGN.md):
 * public clients get none, so any reuse revokes the family (RFC 9700 §4.14.2);
 * confidential clients get `config.refreshGrace` (FAPI 2.0 §5.3.2.1).
 */
export function refreshGraceFor(client: Client, config: Config): number {
  return isPublicClient(client) ? 0 : config.refreshGrace;
}

/** A refresh token presented by a client it was not issued to is stolen: revoke its grant (RFC 9700 §4.14.2) and refuse. */
async function revokeStolen(grant: GrantHandle, client: StoredClient, owner: string, deps: TokenDeps): Promise<never> {
  await grant.revoke();
  logEvent('refresh_client_mismatch', { request_id: deps.requestId, client_id: client.client_id, owner, action: 'grant_revoked' });
  throw new InvalidGrant(INVALID_REFRESH);
}

/** Refuses a refresh; a reused rotated token has just revoked its family (RFC 9700 §4.14.2), which is logged. */
function refused(reason: string, client: StoredClient, deps: TokenDeps): never {
  if (reason === 'reused') logEvent('refresh_reuse', { request_id: deps.requestId, client_id: client.client_id, action: 'grant_revoked' });
  if (reason === 'mismatch') throw new InvalidGrant('the refresh token is bound to a DPoP key this request did not prove (RFC 9449 section 5)');
  throw new InvalidGrant(INVALID_REFRESH);
}

/** An API registered without refresh (`allow_refresh: false`) gets no token from a refresh (its choice, README). */
function assertRefreshable(audience: TokenAudience): void {
  if (audience.api && !audience.api.allow_refresh) throw new InvalidGrant(`refresh tokens may not carry resource "${audience.aud}"`);
}

/**
 * The refresh token grant (RFC 6749 §6) with rotation: the presented token is
 * exchanged in one atomic step of its grant object for a new one. `scope` may
 * narrow the new access token's scope, never widen it, and `resource` may name
 * one of the granted resources (RFC 8707 §2.2). A token presented by another
 * client is treated as stolen and its grant revoked. A public client's token
 * bound to a DPoP key needs a proof by that key (RFC 9449 §5); the new access
 * token is bound to the proof of this request.
 */
export async function refreshTokens(request: ClientRequest, deps: TokenDeps, binding: TokenBinding): Promise<TokenResponse> {
  const { client, form } = request;
  const presented = form.get('refresh_token');
  if (presented === undefined) throw new InvalidRequest('refresh_token is required (RFC 6749 section 6)');
  const parts = splitToken(presented);
  if (!parts) throw new InvalidGrant(INVALID_REFRESH);
  const requested = form.get('scope');
  if (requested !== undefined) parseScope(requested);
  const resource = form.get('resource');
  if (parseResources(resource).length > 1) throw new InvalidTarget('name one resource per token request: an access token has one audience (RFC 8707 section 2.2)');
  const now = deps.now();
  const grant = deps.grants.grant(parts.handle);
  const presented_hash = await sha256b64(parts.secret);
  const presented_key = binding.proof?.jkt ?? '';

  const details = form.get('authorization_details');
  if (details !== undefined) parseAuthorizationDetails(details);
  if (requested !== undefined || resource !== undefined || details !== undefined) {
    // Check scope, resource and details before rotating: a refused request must not cost the client its token.
    const check = await grant.checkRefresh({ presented_hash, now, grace_seconds: refreshGraceFor(client, deps.config), presented_key });
    if (!check.ok) refused(check.reason, client, deps);
    const owner = check.data.client_id;
    if (!sameRegistration(check.data, client)) await revokeStolen(grant, client, owner, deps);
    const audience = await grantAudience({ ...check.data, scope: narrowScope(check.data.scope, requested) }, resource, deps);
    assertRefreshable(audience);
    tokenDetails(check.data, audience.aud, details);
  }

  const next = randomToken(32);
  await deps.keys.ring(); // before rotating: an outage must not leave the client without its new refresh token
  const result = await grant.rotateRefresh({
    presented_hash, next_hash: await sha256b64(next), now, grace_seconds: refreshGraceFor(client, deps.config), presented_key,
  });
  if (!result.ok) refused(result.reason, client, deps);
  const data = result.data;
  if (!sameRegistration(data, client)) await revokeStolen(grant, client, data.client_id, deps);
  const scope = narrowScope(data.scope, requested);
  const audience = await grantAudience({ ...data, scope }, resource, deps);
  assertRefreshable(audience);
  return mintGrantTokens({
    client,
    handle: parts.handle,
    data,
    scope,
    audience,
    jti: newJti(),
    iat: now,
    exp: accessTokenExpiry(audience, now, deps.config, result.refresh_expires_at),
    refresh_token: joinToken(parts.handle, next),
    include_nonce: false,
    grant_type: 'refresh_token',
    cnf: binding.cnf,
    authorization_details: tokenDetails(data, audience.aud, details),
    id_token: deps.config.refreshIdToken,
  }, deps);
}
