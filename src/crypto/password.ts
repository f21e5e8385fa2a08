import { base64url, fromBase64url, utf8 } from './encoding';

/** workerd caps PBKDF2 at 100,000 iterations; we use the cap (OWASP suggests 600,000 for SHA-256, out of reach here). */
export const PBKDF2_ITERATIONS = 100_000;

export interface PasswordHash {
  password_hash: string;
  password_salt: string;
  password_iterations: number;
}

async function derive(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey('raw', utf8(password.normalize('NFKC')), 'PBKDF2', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'PBKDF2', hash: 'SHA-256', salt, iterations }, key, 256));
}

/** PBKDF2-SHA256 with a per-user 128-bit salt. */
export async function hashPassword(password: string, iterations = PBKDF2_ITERATIONS): Promise<PasswordHash> {
  const salt = crypto.getRandomValues(new Uint8Array(16));
  const hash = await derive(password, salt, iterations);
  return { password_hash: base64url(hash), password_salt: base64url(salt), password_iterations: iterations };
}

/** A fixed record for unknown users, so a login for an unknown name costs the same work as for a known one. */
export const DUMMY_HASH: PasswordHash = {
  password_hash: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  password_salt: 'AAAAAAAAAAAAAAAAAAAAAA',
  password_iterations: PBKDF2_ITERATIONS,
};

/** Constant-time check of `password` against a stored hash. */
export async function verifyPassword(password: string, stored: PasswordHash): Promise<boolean> {
  const hash = await derive(password, fromBase64url(stored.password_salt), stored.password_iterations);
  const expected = fromBase64url(stored.password_hash);
  return expected.byteLength === hash.byteLength && crypto.subtle.timingSafeEqual(hash, expected);
}
