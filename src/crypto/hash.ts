import { base64url, fromBase64url, utf8 } from './encoding';

export async function sha256(text: string): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', utf8(text)));
}

/** base64url(SHA-256(text)): the stored form of high-entropy secrets and the PKCE S256 transform (RFC 7636 §4.2). */
export async function sha256b64(text: string): Promise<string> {
  return base64url(await sha256(text));
}

/**
 * Constant-time comparison of two strings: both are hashed first so the
 * comparison length never depends on the input (no length oracle).
 */
export async function timingSafeEqualStrings(a: string, b: string): Promise<boolean> {
  const [x, y] = await Promise.all([sha256(a), sha256(b)]);
  return crypto.subtle.timingSafeEqual(x, y);
}

/**
 * Whether `secret` hashes to `storedHash` (base64url SHA-256, the stored form
 * of client secrets): one digest, then a constant-time compare of two 32-byte
 * values. Hashing the presented secret already makes the comparison length
 * independent of the input, so nothing is hashed twice.
 */
export async function matchesSha256(secret: string, storedHash: string): Promise<boolean> {
  const expected = decodedDigest(storedHash);
  const presented = await sha256(secret);
  return expected !== null && crypto.subtle.timingSafeEqual(presented, expected);
}

const SHA256_B64 = /^[A-Za-z0-9_-]{43}$/;

/** The 32 bytes behind a stored base64url SHA-256, or null when it is not one (a damaged row never matches). */
function decodedDigest(storedHash: string): Uint8Array | null {
  return SHA256_B64.test(storedHash) ? fromBase64url(storedHash) : null;
}
