import { sha256b64 } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import { logEvent } from '../log';
import { presentedPkce, type CodeBindings } from './authorization-code';
import type { TokenBinding } from './dpop-binding';
import { parseAuthorizationDetails, tokenDetails } from './authorization-details';
import { InvalidGrant, InvalidRequest, InvalidTarget } from './errors';
import { joinToken, splitToken } from './grant-data';
import { mayIssueRefreshToken } from './refresh-token';
import { sameRegistration } from './registration-instance';
import { accessTokenExpiry, grantAudience, parseResources, refreshAllowed } from './resources';
import type { ClientRequest } from './request-input';
import { mintGrantTokens, newJti, type TokenDeps, type TokenResponse } from './token-response';
import { isPublicClient, type StoredClient } from './types';

/** RFC 7636 §4.1: 43 to 128 characters from the unreserved set. */
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/** One description for every failed redemption: no oracle for which binding was wrong (RFC 6749 §5.2). */
const INVALID_CODE = 'the authorization code is invalid, expired or already used, or does not match the client, redirect_uri or code_verifier';

/**
 * The redirect_uri a token request presents (RFC 6749 §4.1.3). When omitted,
 * the client's only registered URI, mirroring the default the authorization
 * endpoint applies; the grant object then compares it with the recorded one,
 * and refuses the omission when the authorization request had included it
 * (the `redirect_uri_sent` binding).
 */
function presentedRedirectUri(client: StoredClient, form: Map<string, string>): string {
  const given = form.get('redirect_uri');
  if (given !== undefined) return given;
  if (client.redirect_uris.length === 1) return client.redirect_uris[0]!;
  throw new InvalidRequest('redirect_uri is required (RFC 6749 section 4.1.3)');
}

/**
 * The authorization code grant (RFC 6749 §4.1.3, OpenID Connect Core §3.1.3).
 * Everything the grant object must record (refresh token hash, expiries) is
 * prepared first, so redemption is one Durable Object round trip that checks
 * the bindings (client_id, redirect_uri, PKCE S256 of code_verifier, RFC 7636
 * §4.6) and consumes the code atomically. A second redemption revokes the
 * grant and the tokens issued from it (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
 *
 * The refresh token is committed before the granted scope is known; when
 * `mayIssueRefreshToken` then says no, its secret is dropped unseen.
 *
 * A code bound to a DPoP key (`dpop_jkt`, RFC 9449 §10) is one more binding:
 * redeeming it needs a proof by that key. A public client's refresh tokens are
 * bound to the proof's key (§5).
 */
export async function exchangeAuthorizationCode(request: ClientRequest, deps: TokenDeps, binding: TokenBinding): Promise<TokenResponse> {
  const { client, form } = request;
  const code = form.get('code');
  if (code === undefined) throw new InvalidRequest('code is required (RFC 6749 section 4.1.3)');
  const verifier = form.get('code_verifier');
  if (verifier !== undefined && !CODE_VERIFIER.test(verifier)) {
    throw new InvalidRequest('code_verifier must be 43 to 128 unreserved characters (RFC 7636 section 4.1)');
  }
  const presented: CodeBindings = {
    client_id: client.client_id,
    redirect_uri: presentedRedirectUri(client, form),
    pkce: await presentedPkce(verifier),
    redirect_uri_sent: form.has('redirect_uri') ? 'true' : 'false',
    dpop_jkt: binding.proof?.jkt ?? '',
  };
  const parts = splitToken(code);
  if (!parts) throw new InvalidGrant(INVALID_CODE);
  // Malformed resources are refused before the code is consumed; whether one was granted is known only after.
  if (parseResources(form.get('resource')).length > 1) throw new InvalidTarget('name one resource per token request: an access token has one audience (RFC 8707 section 2.2)');
  const details = form.get('authorization_details');
  if (details !== undefined) parseAuthorizationDetails(details);

  const { config } = deps;
  const now = deps.now();
  const at_exp = now + config.accessTokenLifetime;
  const refresh = client.grant_types.includes('refresh_token') ? randomToken(32) : undefined;
  const refresh_expires_at = refresh ? now + request.policy.refresh_token_lifetime : undefined;
  // Keys first (cached, normally free): a key-store outage must fail before the code is consumed, not after.
  await deps.keys.ring();
  const result = await deps.grants.grant(parts.handle).redeemCode({
    code_hash: await sha256b64(parts.secret),
    presented,
    now,
    refresh_hash: refresh ? await sha256b64(refresh) : undefined,
    refresh_expires_at,
    expires_at: Math.max(at_exp, refresh_expires_at ?? 0),
    ...(binding.proof && isPublicClient(client) && { refresh_key: binding.proof.jkt }),
  });
  if (!result.ok) {
    const fields = { request_id: deps.requestId, client_id: client.client_id, reason: result.reason, field: result.field };
    if (result.reason === 'replayed') logEvent('code_replay', { ...fields, action: 'grant_revoked' });
    else logEvent('code_rejected', fields);
    throw new InvalidGrant(INVALID_CODE);
  }
  const data = result.data;
  if (!sameRegistration(data, client)) {
    // A code of an earlier registration of this client_id: the new one inherits nothing (DESIGN.md "What logout ends").
    await deps.grants.grant(parts.handle).revoke();
    throw new InvalidGrant(INVALID_CODE);
  }
  const [audience, refreshable] = await Promise.all([grantAudience(data, form.get('resource'), deps), refreshAllowed(data.resource, deps.apis)]);
  return mintGrantTokens({
    client,
    handle: parts.handle,
    data,
    scope: data.scope,
    audience,
    jti: newJti(),
    iat: now,
    exp: accessTokenExpiry(audience, now, config, Math.max(at_exp, refresh_expires_at ?? 0)),
    refresh_token: refresh && refreshable && mayIssueRefreshToken(client, data.scope) ? joinToken(parts.handle, refresh) : undefined,
    include_nonce: true,
    grant_type: 'authorization_code',
    cnf: binding.cnf,
    authorization_details: tokenDetails(data, audience.aud, details),
  }, deps);
}
