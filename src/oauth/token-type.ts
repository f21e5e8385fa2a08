import type { AccessTokenClaims } from './access-token';

/**
 * The access token types this server issues and accepts at its protected
 * resources (RFC 6749 §7.1), by their `token_type` / authorization scheme
 * name. Today only `Bearer` (RFC 6750); DPoP (RFC 9449 §5) adds `DPoP`
 * here and binds the token with `cnf.jkt` (§6).
 */
export const TOKEN_TYPES = ['Bearer'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/**
 * The type of an issued access token, read from the token itself: a bound
 * token carries its binding in `cnf` (RFC 7800), so nothing else needs to
 * remember how it was issued. Today every token is a bearer token.
 */
export function tokenTypeOf(_claims: AccessTokenClaims): TokenType {
  return 'Bearer';
}
