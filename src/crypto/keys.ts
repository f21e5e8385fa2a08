import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type CryptoKey, type JWK } from 'jose';
import type { EncryptionKeyAlg, SigningAlg } from '../config';

/** What the key store keeps a key for: a signing alg, or an encryption slot (RSA-OAEP-256, ECDH-ES on P-256). */
export type KeyAlg = SigningAlg | EncryptionKeyAlg;

export interface GeneratedKey {
  kid: string;
  alg: KeyAlg;
  privateJwk: JWK;
  publicJwk: JWK;
}

const GENERATE_OPTIONS: Record<KeyAlg, { modulusLength?: number; crv?: string }> = {
  ES256: {},
  EdDSA: { crv: 'Ed25519' },
  PS256: { modulusLength: 2048 },
  RS256: { modulusLength: 2048 },
  'RSA-OAEP-256': { modulusLength: 2048 },
  'ECDH-ES': { crv: 'P-256' },
};

/** Whether the key store keeps `alg` as an encryption key (`use: "enc"`, RFC 7517 §4.2). */
export function isEncryptionAlg(alg: string): boolean {
  return alg === 'RSA-OAEP-256' || alg === 'ECDH-ES';
}

/**
 * A new extractable key pair for `alg`, with its RFC 7638 thumbprint as `kid`:
 * `use: "sig"`, or `use: "enc"` for the encryption slots (RFC 9101 §6.1).
 */
export async function generateSigningKey(alg: KeyAlg): Promise<GeneratedKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { ...GENERATE_OPTIONS[alg], extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const meta = { kid, alg, use: isEncryptionAlg(alg) ? 'enc' : 'sig' };
  return { kid, alg, privateJwk: { ...(await exportJWK(privateKey)), ...meta }, publicJwk: { ...publicJwk, ...meta } };
}

const PUBLIC_MEMBERS: Record<string, string[]> = { RSA: ['n', 'e'], EC: ['crv', 'x', 'y'], OKP: ['crv', 'x'] };

/** The public half of a private JWK: only the public members plus kid/alg/use (`enc` kept, anything else is `sig`). */
export function toPublicJwk(jwk: JWK): JWK {
  const members = PUBLIC_MEMBERS[jwk.kty ?? ''];
  if (!members) throw new Error(`unsupported key type ${jwk.kty}`);
  const out: JWK = { kty: jwk.kty, kid: jwk.kid, alg: jwk.alg, use: jwk.use === 'enc' ? 'enc' : 'sig' };
  for (const m of members) (out as Record<string, unknown>)[m] = (jwk as Record<string, unknown>)[m];
  return out;
}

/**
 * The CryptoKey of a signing key. Not cached here: the key ring (built once
 * per ring by the key store, kept in the services' cache) memoizes it.
 */
export function importPrivateKey(key: { kid: string; alg: string; privateJwk: JWK }): Promise<CryptoKey> {
  return importJWK({ ...key.privateJwk, kid: key.kid, alg: key.alg }, key.alg) as Promise<CryptoKey>;
}
