import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { challengeParams, missingTokenResponse, quoted, readAccessToken } from '../http/access-token';
import { OAuthError } from '../oauth/errors';
import type { TokenType } from '../oauth/token-type';

/** Codes that a protected resource states in its `WWW-Authenticate` challenge (RFC 6750 §3.1, RFC 9449 §7.1, §9). */
const CHALLENGED = new Set(['invalid_request', 'invalid_token', 'insufficient_scope', 'invalid_dpop_proof', 'use_dpop_nonce']);

export interface AccessTokenOptions {
  /** The authorization schemes (token types) the resource accepts, e.g. `TOKEN_TYPES`. */
  schemes: readonly TokenType[];
}

/**
 * Which schemes an error's challenge names: the one the error asks for (a
 * DPoP-bound token sent as Bearer is answered with a DPoP challenge, RFC 9449
 * §7.2), else the scheme the token came with, else every accepted scheme.
 */
function challengedSchemes(error: OAuthError, presented: TokenType | undefined, schemes: readonly TokenType[]): readonly string[] {
  if (error.challenge !== undefined) return [error.challenge];
  return presented !== undefined ? [presented] : schemes;
}

/**
 * Adds the RFC 6750 §3 challenge (`realm`, `error`, `error_description`, and
 * for DPoP `algs`, RFC 9449 §7.1) to the error responses of a protected
 * resource. Mounted before `accessTokenAuth`, so a malformed or misplaced
 * token gets it too.
 */
export function bearerChallenge({ schemes }: AccessTokenOptions) {
  return createMiddleware<AppEnv>(async function bearerChallenge(c, next) {
    await next();
    const error = c.error;
    if (!(error instanceof OAuthError) || !CHALLENGED.has(error.code)) return;
    const realm = c.get('services').config.issuer;
    const params = `realm=${quoted(realm)}, error=${quoted(error.code)}, error_description=${quoted(error.message)}`;
    c.res.headers.delete('WWW-Authenticate');
    for (const scheme of challengedSchemes(error, c.get('accessToken')?.token_type, schemes)) {
      c.res.headers.append('WWW-Authenticate', `${scheme} ${params}${challengeParams(scheme)}`);
    }
  });
}

/**
 * Access-token authentication of a protected resource (RFC 6750 §2): reads
 * the token under one of the accepted schemes and puts it on the context as
 * `accessToken`; without one, answers 401 with a bare challenge (§3.1).
 */
export function accessTokenAuth({ schemes }: AccessTokenOptions) {
  return createMiddleware<AppEnv>(async function accessTokenAuth(c, next) {
    const token = await readAccessToken(c, schemes);
    if (token === null) return missingTokenResponse(c, schemes);
    c.set('accessToken', token);
    await next();
  });
}
