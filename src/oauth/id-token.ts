import type { JWTPayload } from 'jose';
import { signJwt } from '../crypto/jwt';
import { base64url, utf8 } from '../crypto/encoding';
import type { AccessTokenDeps } from './access-token';
import type { GrantData } from './grant-data';

/**
 * The hash behind `at_hash` / `c_hash` for a JWS `alg` (OpenID Connect Core
 * §3.1.3.6): the SHA-2 size of the algorithm; EdDSA with Ed25519 uses SHA-512
 * (OpenID Connect Core errata set 2).
 */
export function hashAlgorithmFor(alg: string): 'SHA-256' | 'SHA-384' | 'SHA-512' {
  if (alg === 'EdDSA' || alg === 'Ed25519' || alg.endsWith('512')) return 'SHA-512';
  if (alg.endsWith('384')) return 'SHA-384';
  if (alg.endsWith('256')) return 'SHA-256';
  throw new Error(`no token hash defined for alg ${alg}`);
}

/** base64url of the left half of the hash of `value` (OpenID Connect Core §3.1.3.6 `at_hash`). */
export async function tokenHash(value: string, alg: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(hashAlgorithmFor(alg), utf8(value)));
  return base64url(digest.slice(0, digest.length / 2));
}

export interface IdTokenInput {
  client_id: string;
  alg: string;
  data: GrantData;
  access_token?: string;
  /** False on refresh: a refreshed ID token does not repeat the nonce (OpenID Connect Core §12.2). */
  include_nonce: boolean;
  /** Claims requested for the ID token through `claims.id_token` (OpenID Connect Core §5.5). */
  user_claims?: Record<string, unknown>;
}

/**
 * Builds and signs an ID token (OpenID Connect Core §2, §3.1.3.6). `auth_time`
 * is included when the authorization asked for it (max_age or an essential
 * request), `nonce` exactly when the authorization request carried one.
 * Profile claims go to the UserInfo endpoint because an access token is always
 * issued with it (§5.4); only `claims.id_token` requests add them here.
 */
export async function issueIdToken(input: IdTokenInput, deps: AccessTokenDeps): Promise<string> {
  const { data } = input;
  const { config } = deps;
  const now = deps.now();
  const payload: JWTPayload = {
    ...input.user_claims,
    iss: config.issuer,
    sub: data.sub,
    aud: input.client_id,
    azp: input.client_id,
    iat: now,
    exp: now + config.idTokenLifetime,
  };
  if (data.require_auth_time) payload.auth_time = data.auth_time;
  if (input.include_nonce && data.nonce !== undefined) payload.nonce = data.nonce;
  if (data.acr !== undefined) payload.acr = data.acr;
  if (data.amr !== undefined) payload.amr = data.amr;
  if (data.sid !== undefined) payload.sid = data.sid;
  if (input.access_token !== undefined) payload.at_hash = await tokenHash(input.access_token, input.alg);
  return signJwt(payload, input.alg, deps.keys, 'JWT');
}
