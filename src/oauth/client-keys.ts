import { decodeProtectedHeader, errors, jwtVerify, type JWTPayload, type JWTVerifyOptions } from 'jose';
import { keySetOf } from '../crypto/key-sets';
import type { RemoteJwksPort } from '../storage/ports';
import type { Client } from './types';

/** Header members that would let a JWT choose its own key; we only ever use registered keys (RFC 8725 §3.10). */
const KEY_SELECTING_HEADERS = ['jku', 'x5u', 'jwk', 'x5c'];

export type JwtCheck = { ok: true; payload: JWTPayload; alg: string } | { ok: false; reason: string };

/**
 * Verifies a JWT signed with one of the client's registered public keys
 * (`jwks`, or `jwks_uri` fetched and cached, refetched once on an unknown kid).
 * `alg: none`, symmetric algs and self-declared keys are refused up front.
 */
export async function verifyWithClientKeys(
  jwt: string, client: Client, options: JWTVerifyOptions & { algorithms: string[] }, remote: RemoteJwksPort,
): Promise<JwtCheck> {
  let header;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    return { ok: false, reason: 'malformed JWT' };
  }
  if (!header.alg || !options.algorithms.includes(header.alg)) return { ok: false, reason: `alg ${String(header.alg)} not allowed` };
  const selfKeyed = KEY_SELECTING_HEADERS.find((h) => h in header);
  if (selfKeyed) return { ok: false, reason: `"${selfKeyed}" header not accepted` };
  const attempt = async (refresh: boolean): Promise<JwtCheck> => {
    const keys = client.jwks?.keys ?? (client.jwks_uri ? await remote.fetch(client.jwks_uri, refresh) : []);
    if (keys.length === 0) return { ok: false, reason: 'client has no registered keys' };
    // Cached per key-set object: the keys are imported once per registration (or document), not per request.
    const { payload } = await jwtVerify(jwt, keySetOf(keys), options);
    return { ok: true, payload, alg: header.alg! };
  };
  try {
    return await attempt(false);
  } catch (error) {
    if (error instanceof errors.JWKSNoMatchingKey && client.jwks_uri) {
      try {
        return await attempt(true);
      } catch (retry) {
        return { ok: false, reason: describe(retry) };
      }
    }
    return { ok: false, reason: describe(error) };
  }
}

/** jose's error code and message, or a generic reason for anything else (network, parse). */
export function describe(error: unknown): string {
  if (error instanceof errors.JOSEError) return `${error.code}: ${error.message}`;
  return error instanceof Error ? error.message : 'verification failed';
}
