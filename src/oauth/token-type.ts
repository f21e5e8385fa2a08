import type { AccessTokenClaims } from './access-token';

/**
 * The access token types this server issues and accepts at its protected
 * resources (RFC 6749 §7.1), by their `token_type` / authorization scheme
 * name: `Bearer` (RFC 6750) and `DPoP` (RFC 9449 §5, §7.1). A token bound to
 * a client certificate stays a `Bearer` token (RFC 8705 §3).
 */
export const TOKEN_TYPES = ['Bearer', 'DPoP'] as const;
export type TokenType = (typeof TOKEN_TYPES)[number];

/**
 * The type of an issued access token, read from the token itself: a token
 * bound to a DPoP key carries its thumbprint in `cnf.jkt` (RFC 9449 §6.1), so
 * nothing else needs to remember how it was issued.
 */
export function tokenTypeOf(claims: Pick<AccessTokenClaims, 'cnf'>): TokenType {
  return claims.cnf?.jkt === undefined ? 'Bearer' : 'DPoP';
}
