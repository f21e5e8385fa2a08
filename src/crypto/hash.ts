import { base64url, utf8 } from './encoding';

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
