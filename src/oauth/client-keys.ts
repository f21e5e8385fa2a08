import { decodeProtectedHeader, errors, importJWK, jwtVerify, type JWK, type JWTPayload, type JWTVerifyOptions } from 'jose';
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
    const fetched = client.jwks || !client.jwks_uri ? undefined : await remote.fetch(client.jwks_uri, refresh);
    if (fetched && !fetched.ok) return fetched;
    const keys = client.jwks?.keys ?? fetched?.keys ?? [];
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

const CURVE_BYTES: Record<string, number> = { 'P-256': 32, 'P-384': 48, 'P-521': 66, Ed25519: 32, X25519: 32 };
const B64URL = /^[A-Za-z0-9_-]+$/;
/** FAPI 2.0 Security Profile §5.4.1: RSA keys of at least 2048 bits; EC keys of at least 224 bits (we take P-256 and up). */
export const MIN_RSA_BITS = 2048;

function bytesOf(value: unknown): Uint8Array | undefined {
  if (typeof value !== 'string' || !B64URL.test(value)) return undefined;
  try {
    return Uint8Array.from(atob(value.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function rsaProblem(key: Record<string, unknown>): string | undefined {
  const n = bytesOf(key.n);
  const e = bytesOf(key.e);
  if (!n || !e) return 'an RSA key needs base64url "n" and "e" (RFC 7518 §6.3.1)';
  const first = n.findIndex((b) => b !== 0);
  const bits = first < 0 ? 0 : (n.length - first) * 8 - Math.clz32(n[first]!) + 24;
  if (bits < MIN_RSA_BITS) return `an RSA key of ${bits} bits is too small (at least ${MIN_RSA_BITS}: FAPI 2.0 Security Profile section 5.4.1)`;
  return undefined;
}

function curveProblem(key: Record<string, unknown>, allowed: string[]): string | undefined {
  const crv = typeof key.crv === 'string' ? key.crv : '';
  if (!allowed.includes(crv)) return `curve "${crv}" is not supported for ${String(key.kty)} keys (supported: ${allowed.join(', ')})`;
  const size = CURVE_BYTES[crv]!;
  if (bytesOf(key.x)?.length !== size) return `"x" must be ${size} bytes for ${crv}`;
  if (key.kty === 'EC' && bytesOf(key.y)?.length !== size) return `"y" must be ${size} bytes for ${crv}`;
  if (crv === 'X25519' && key.use === 'sig') return 'an X25519 key cannot sign';
  return undefined;
}

/**
 * Why a registered JWK is not a usable public key, or undefined: the members
 * its `kty` needs (RFC 7518 §6), no private or symmetric material, RSA of at
 * least 2048 bits, EC on P-256/P-384/P-521, OKP Ed25519 (X25519 to encrypt to).
 */
export function publicKeyProblem(key: unknown): string | undefined {
  if (typeof key !== 'object' || key === null || Array.isArray(key)) return 'must be a JSON object';
  const k = key as Record<string, unknown>;
  if (typeof k.kty !== 'string') return 'needs a "kty"';
  if (['d', 'p', 'q', 'dp', 'dq', 'qi', 'k'].some((m) => m in k) || k.kty === 'oct') return 'must hold public keys only';
  if (k.kid !== undefined && typeof k.kid !== 'string') return '"kid" must be a string';
  if (k.use !== undefined && k.use !== 'sig' && k.use !== 'enc') return '"use" must be "sig" or "enc"';
  if (k.kty === 'RSA') return rsaProblem(k);
  if (k.kty === 'EC') return curveProblem(k, ['P-256', 'P-384', 'P-521']);
  if (k.kty === 'OKP') return curveProblem(k, ['Ed25519', 'X25519']);
  return `kty "${k.kty}" is not supported (RSA, EC, OKP)`;
}

/** Imports a key the way its uses will (jose / WebCrypto), so a point off its curve or a malformed modulus is refused at registration. */
export async function importsAsPublicKey(key: JWK): Promise<boolean> {
  const alg = key.kty === 'RSA' ? 'PS256' : key.crv === 'Ed25519' ? 'EdDSA' : key.kty === 'EC' ? `ES${key.crv === 'P-521' ? 512 : key.crv!.slice(2)}` : 'ECDH-ES';
  try {
    await importJWK({ ...key, alg, use: undefined, key_ops: undefined }, alg);
    return true;
  } catch {
    return false;
  }
}
