import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { missingTokenResponse, quoted, readAccessToken } from '../http/access-token';
import { OAuthError } from '../oauth/errors';
import type { TokenType } from '../oauth/token-type';

/** Codes that a protected resource states in its `WWW-Authenticate` challenge (RFC 6750 §3.1). */
const CHALLENGED = new Set(['invalid_request', 'invalid_token', 'insufficient_scope']);

export interface AccessTokenOptions {
  /** The authorization schemes (token types) the resource accepts, e.g. `TOKEN_TYPES`. */
  schemes: readonly TokenType[];
}

/**
 * Adds the RFC 6750 §3 challenge (`realm`, `error`, `error_description`) to
 * the error responses of a protected resource, once per accepted scheme.
 * Mounted before `accessTokenAuth`, so a malformed or misplaced token gets it too.
 */
export function bearerChallenge({ schemes }: AccessTokenOptions) {
  return createMiddleware<AppEnv>(async function bearerChallenge(c, next) {
    await next();
    const error = c.error;
    if (!(error instanceof OAuthError) || !CHALLENGED.has(error.code)) return;
    const realm = c.get('services').config.issuer;
    const params = `realm=${quoted(realm)}, error=${quoted(error.code)}, error_description=${quoted(error.message)}`;
    c.res.headers.delete('WWW-Authenticate');
    for (const scheme of schemes) c.res.headers.append('WWW-Authenticate', `${scheme} ${params}`);
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
