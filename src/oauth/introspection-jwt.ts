import { signJwt } from '../crypto/jwt';
import type { AccessTokenDeps } from './access-token';
import type { ClientRequest } from './request-input';

/** RFC 9701 §4: the media type a caller accepts for a JWT response, and the response's `typ` (§5). */
export const INTROSPECTION_JWT_TYPE = 'application/token-introspection+jwt';
const INTROSPECTION_JWT_TYP = 'token-introspection+jwt';

/** Whether the caller asked for a signed answer (RFC 9701 §4: `Accept: application/token-introspection+jwt`). */
export function wantsIntrospectionJwt(headers: Headers): boolean {
  const accept = headers.get('accept') ?? '';
  return accept.split(',').some((range) => range.split(';')[0]!.trim().toLowerCase() === INTROSPECTION_JWT_TYPE);
}

/**
 * The JWT introspection response (RFC 9701 §5): `iss`, `aud` = the caller's
 * client_id, `iat`, and the RFC 7662 answer as `token_introspection`, signed
 * with the server's ACCESS_TOKEN_ALG key and `typ: token-introspection+jwt`.
 */
export function signIntrospection(answer: Record<string, unknown>, request: ClientRequest, deps: AccessTokenDeps): Promise<string> {
  const payload = { iss: deps.config.issuer, aud: request.client.client_id, iat: deps.now(), token_introspection: answer };
  return signJwt(payload, deps.config.accessTokenAlg, deps.keys, INTROSPECTION_JWT_TYP);
}
