import { errors, jwtVerify, type JWTPayload } from 'jose';
import { endpoints, type Config } from '../config';
import { signJwt } from '../crypto/jwt';
import type { KeyStorePort } from '../storage/ports';
import type { Confirmation } from './dpop-binding';
import type { AuthorizationDetail } from './authorization-details';
import { tokenTypeOf, type TokenType } from './token-type';

/** RFC 9068 §2.1 media type of a JWT access token. */
export const AT_TYP = 'at+jwt';

/**
 * The claims of a Portcullis access token (RFC 9068 §2.2). `grant` is a private
 * claim: the handle of the Grant Durable Object the token was issued from, so
 * /userinfo, /introspect and /revoke can ask that object whether the token is
 * still live. Client-credentials tokens have no grant and carry none.
 */
export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string;
  client_id: string;
  scope: string;
  jti: string;
  iat: number;
  exp: number;
  auth_time?: number;
  acr?: string;
  amr?: string[];
  sid?: string;
  grant?: string;
  /** The key or certificate the token is bound to (RFC 7800 §3.1; RFC 9449 §6.1, RFC 8705 §3.1); absent on a bearer token. */
  cnf?: Confirmation;
  /** RFC 9396 §9.1: the authorization details this token carries, those of its audience. */
  authorization_details?: AuthorizationDetail[];
}

export interface AccessTokenDeps {
  config: Config;
  keys: KeyStorePort;
  now: () => number;
}

/**
 * The `aud` of every access token: the one protected resource this server
 * hosts, its UserInfo endpoint (RFC 9068 §3: without a `resource` parameter a
 * default resource is used). Tokens for a registered API carry its identifier
 * instead (RFC 8707 §2, oauth/resources.ts).
 */
export function accessTokenAudience(config: Config): string {
  return endpoints(config).userinfo;
}

/**
 * The token's own claims; `iat` and `exp` come from the caller's one reading of the clock, so `expires_in` is exact.
 * `aud` defaults to the UserInfo endpoint.
 */
export type AccessTokenInput = Omit<AccessTokenClaims, 'iss' | 'aud'> & { aud?: string };

/** An issued access token with its claims and its `token_type` (RFC 6749 §7.1), which the claims decide. */
export interface IssuedAccessToken {
  access_token: string;
  token_type: TokenType;
  claims: AccessTokenClaims;
}

/** Signs an access token with `alg` (default `config.accessTokenAlg`) and `typ: at+jwt` (RFC 9068 §2.1). */
export async function issueAccessToken(input: AccessTokenInput, deps: AccessTokenDeps, alg: string = deps.config.accessTokenAlg): Promise<IssuedAccessToken> {
  const { config } = deps;
  const claims: AccessTokenClaims = { iss: config.issuer, ...input, aud: input.aud ?? accessTokenAudience(config) };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name as keyof AccessTokenClaims];
  return { access_token: await signJwt({ ...claims }, alg, deps.keys, AT_TYP), token_type: tokenTypeOf(claims), claims };
}

export type VerifyAccessTokenResult = { ok: true; claims: AccessTokenClaims } | { ok: false; reason: string };

const REQUIRED = ['iss', 'sub', 'aud', 'client_id', 'jti', 'iat', 'exp'];
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/**
 * Whether a verified payload's members have the types of our claims; jose has
 * already checked iss, aud, iat and exp (REQUIRED), and `scope` defaults to ''.
 */
function hasClaimTypes(payload: JWTPayload): payload is JWTPayload & Omit<AccessTokenClaims, 'scope'> & { scope?: string } {
  return typeof payload.client_id === 'string' && typeof payload.sub === 'string' && typeof payload.jti === 'string'
    && (payload.grant === undefined || typeof payload.grant === 'string') && (payload.scope === undefined || typeof payload.scope === 'string')
    && (payload.cnf === undefined || isConfirmation(payload.cnf));
}

/** A `cnf` as we issue it: an object whose `jkt` and `x5t#S256`, when present, are strings. */
function isConfirmation(cnf: unknown): cnf is Confirmation {
  if (typeof cnf !== 'object' || cnf === null || Array.isArray(cnf)) return false;
  const { jkt, 'x5t#S256': x5t } = cnf as Record<string, unknown>;
  return (jkt === undefined || typeof jkt === 'string') && (x5t === undefined || typeof x5t === 'string');
}

/**
 * Validates an access token this server issued (RFC 9068 §4): signature by one
 * of the server's keys, `typ: at+jwt`, issuer, audience and expiry. It does not
 * ask the grant whether the token was revoked; callers do that next. The
 * audience is the UserInfo endpoint unless the caller checks it itself
 * (`audience: null`: introspection and revocation see every API's tokens).
 */
export async function verifyAccessToken(token: string, deps: AccessTokenDeps, audience: string | null = accessTokenAudience(deps.config)): Promise<VerifyAccessTokenResult> {
  const { config } = deps;
  // Only the canonical form we issue (RFC 7515 §7.1: unpadded base64url): jose's decoder also takes `=` padding
  // and surrounding whitespace, which would make `<token>==` or `<token> ` a second spelling of one token.
  if (token.length > 8192 || !COMPACT_JWS.test(token)) return { ok: false, reason: 'not a JWT access token' };
  try {
    const { payload } = await jwtVerify(token, (await deps.keys.ring()).verifier, {
      algorithms: config.signingAlgs,
      typ: AT_TYP,
      issuer: config.issuer,
      ...(audience !== null && { audience }),
      requiredClaims: REQUIRED,
      currentDate: new Date(deps.now() * 1000),
    });
    if (!hasClaimTypes(payload)) return { ok: false, reason: 'malformed claims' };
    return { ok: true, claims: { ...payload, scope: payload.scope ?? '' } };
  } catch (error) {
    if (error instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
    if (error instanceof errors.JOSEError) return { ok: false, reason: error.code };
    return { ok: false, reason: 'unverifiable' };
  }
}
