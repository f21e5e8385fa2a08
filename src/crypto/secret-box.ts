import { base64url, fromBase64url, utf8 } from './encoding';

/**
 * AES-256-GCM sealing of client secrets that must stay recoverable
 * (`client_secret_jwt` needs the secret as the HMAC key). The key comes from
 * the CLIENT_SECRET_KEY Worker secret; the sealed form is `v1.<iv>.<ciphertext>`.
 */
async function importKey(secret: string): Promise<CryptoKey> {
  const raw = await crypto.subtle.digest('SHA-256', utf8(secret));
  return crypto.subtle.importKey('raw', raw, 'AES-GCM', false, ['encrypt', 'decrypt']);
}

export async function seal(plaintext: string, secret: string, context: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const key = await importKey(secret);
  const ct = await crypto.subtle.encrypt({ name: 'AES-GCM', iv, additionalData: utf8(context) }, key, utf8(plaintext));
  return `v1.${base64url(iv)}.${base64url(ct)}`;
}

export async function open(sealed: string, secret: string, context: string): Promise<string> {
  const [version, iv, ct] = sealed.split('.');
  if (version !== 'v1' || !iv || !ct) throw new Error('unsupported sealed secret format');
  const key = await importKey(secret);
  const pt = await crypto.subtle.decrypt({ name: 'AES-GCM', iv: fromBase64url(iv), additionalData: utf8(context) }, key, fromBase64url(ct));
  return new TextDecoder().decode(pt);
}
