import { CLAIMS } from './capabilities';
import { InvalidRequest } from './errors';
import { isJsonObject } from './merge-patch';

/** Claims the server itself asserts; an account cannot carry them. */
const RESERVED = new Set(['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'sid']);
const USERNAME = /^[\p{L}\p{N}._@+-]{1,64}$/u;
const BOOLEAN_CLAIMS = new Set(['email_verified', 'phone_number_verified']);
/** The members of the `address` claim (OpenID Connect Core §5.1.1), all strings. */
const ADDRESS_MEMBERS = new Set(['formatted', 'street_address', 'locality', 'region', 'postal_code', 'country']);
const MAX_CLAIM_LENGTH = 1024;

/** Throws unless `username` is 1-64 letters, digits or `. _ @ + -`. */
export function assertUsername(username: unknown): asserts username is string {
  if (typeof username !== 'string' || !USERNAME.test(username)) throw new InvalidRequest('username: 1-64 letters, digits or . _ @ + -');
}

/** Throws unless `password` is 8 to 1024 characters (NIST SP 800-63B §5.1.1.2 sets the floor at 8). */
export function assertPassword(password: unknown): asserts password is string {
  if (typeof password !== 'string' || password.length < 8 || password.length > 1024) throw new InvalidRequest('password: 8 to 1024 characters');
}

function claimShapeError(name: string, value: unknown): string | null {
  if (BOOLEAN_CLAIMS.has(name)) return typeof value === 'boolean' ? null : 'a boolean';
  if (name === 'updated_at') return Number.isSafeInteger(value) && (value as number) >= 0 ? null : 'a number of seconds since the epoch';
  if (name === 'address') {
    if (!isJsonObject(value)) return 'a JSON object (section 5.1.1)';
    const bad = Object.entries(value).find(([k, v]) => !ADDRESS_MEMBERS.has(k) || typeof v !== 'string' || v.length > MAX_CLAIM_LENGTH);
    return bad ? `an object of string members ${[...ADDRESS_MEMBERS].join(', ')} (section 5.1.1)` : null;
  }
  return typeof value === 'string' && value.length <= MAX_CLAIM_LENGTH ? null : `a string of at most ${MAX_CLAIM_LENGTH} characters`;
}

/**
 * Checks an account's claims: standard user claims only (OpenID Connect Core
 * §5.1), each of its standard type: strings, `email_verified` and
 * `phone_number_verified` booleans, `updated_at` a number, `address` an
 * object of string members (§5.1.1).
 */
export function assertUserClaims(claims: unknown): asserts claims is Record<string, unknown> {
  if (!isJsonObject(claims)) throw new InvalidRequest('claims: must be an object');
  for (const [name, value] of Object.entries(claims)) {
    if (RESERVED.has(name) || !CLAIMS.includes(name)) throw new InvalidRequest(`claims: "${name}" is not a standard user claim (OpenID Connect Core §5.1)`);
    const expected = claimShapeError(name, value);
    if (expected) throw new InvalidRequest(`claims: "${name}" must be ${expected} (OpenID Connect Core §5.1)`);
  }
}
