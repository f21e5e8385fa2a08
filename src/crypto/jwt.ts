import { SignJWT, type JWTPayload } from 'jose';
import type { KeyStorePort } from '../storage/ports';

/**
 * Signs `payload` with the server's active key for `alg`, setting `kid` and
 * `typ` (RFC 8725 §3.11 explicit typing: `at+jwt`, `logout+jwt`, `JWT`…).
 */
export async function signJwt(payload: JWTPayload, alg: string, keys: KeyStorePort, typ = 'JWT'): Promise<string> {
  const key = (await keys.ring()).active[alg];
  if (!key) throw new Error(`no active signing key for ${alg}`);
  const privateKey = await key.cryptoKey();
  return new SignJWT(payload).setProtectedHeader({ alg, kid: key.kid, typ }).sign(privateKey);
}
