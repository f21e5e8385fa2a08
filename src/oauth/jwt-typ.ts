import { decodeProtectedHeader } from 'jose';

/** `typ` values a client assertion may carry (RFC 7523; draft-ietf-oauth-rfc7523bis `client-authentication+jwt`). */
export const CLIENT_ASSERTION_TYPS = ['jwt', 'client-authentication+jwt'] as const;
/** `typ` values a request object may carry (RFC 9101 §10.8). */
export const REQUEST_OBJECT_TYPS = ['jwt', 'oauth-authz-req+jwt'] as const;

/**
 * Explicit typing (RFC 8725 §3.11): a JWT of one kind must not pass as another,
 * e.g. a request object (`oauth-authz-req+jwt`) replayed as a client assertion.
 * An absent `typ` and the generic `JWT` stay accepted for interoperability;
 * media types compare case-insensitively, with or without `application/`.
 */
export function hasAcceptedTyp(jwt: string, accepted: readonly string[]): boolean {
  let typ: unknown;
  try {
    typ = decodeProtectedHeader(jwt).typ;
  } catch {
    return false;
  }
  if (typ === undefined) return true;
  return typeof typ === 'string' && accepted.includes(typ.toLowerCase().replace(/^application\//, ''));
}
