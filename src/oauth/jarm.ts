import { CompactEncrypt, importJWK, type JWK } from 'jose';
import type { Config } from '../config';
import { utf8 } from '../crypto/encoding';
import { signJwt } from '../crypto/jwt';
import type { KeyStorePort } from '../storage/ports';
import type { RemoteJwksPort } from '../storage/ports';
import type { Client } from './types';

/** JARM §2.1: the response JWT lives for a short time; 10 minutes, as the spec recommends. */
export const JARM_LIFETIME = 600;

export interface JarmDeps {
  config: Config;
  keys: KeyStorePort;
  remoteJwks: RemoteJwksPort;
  now: () => number;
}

const KEY_TYPES: Record<string, string[]> = {
  'RSA-OAEP-256': ['RSA'],
  'ECDH-ES': ['EC', 'OKP'],
  'ECDH-ES+A128KW': ['EC', 'OKP'],
  'ECDH-ES+A256KW': ['EC', 'OKP'],
};

/**
 * The client's encryption key for `alg`: a key of the right type whose `use`
 * is `enc` (or absent) and whose `alg`, when given, is `alg` (JARM §2.3,
 * RFC 7517 §4.2). Keys marked `use: sig` are never used to encrypt.
 */
export function selectEncryptionKey(keys: JWK[], alg: string): JWK | undefined {
  const kinds = KEY_TYPES[alg] ?? [];
  const usable = keys.filter((k) => kinds.includes(k.kty ?? '') && (k.use === undefined || k.use === 'enc') && (k.alg === undefined || k.alg === alg));
  return usable.find((k) => k.use === 'enc') ?? usable[0];
}

async function encrypt(jws: string, client: Client, deps: JarmDeps): Promise<string> {
  const alg = client.authorization_encrypted_response_alg!;
  const enc = client.authorization_encrypted_response_enc ?? 'A128CBC-HS256';
  const keys = client.jwks?.keys ?? (client.jwks_uri ? await deps.remoteJwks.fetch(client.jwks_uri) : []);
  const jwk = selectEncryptionKey(keys, alg);
  if (!jwk) throw new Error(`client ${client.client_id} has no key to encrypt the authorization response with ${alg}`);
  const key = await importJWK(jwk, alg);
  return new CompactEncrypt(utf8(jws))
    .setProtectedHeader({ alg, enc, cty: 'JWT', ...(jwk.kid !== undefined && { kid: jwk.kid }) })
    .encrypt(key);
}

/**
 * Encodes authorization response parameters as a JARM response JWT (JARM §2):
 * signed with the client's `authorization_signed_response_alg` (default RS256),
 * then encrypted when the client registered `authorization_encrypted_response_alg`
 * (JARM §2.3, nested JWT signed then encrypted).
 */
export async function encodeJarmResponse(params: Record<string, string>, client: Client, deps: JarmDeps): Promise<string> {
  const now = deps.now();
  const alg = client.authorization_signed_response_alg ?? 'RS256';
  const jws = await signJwt({ ...params, iss: deps.config.issuer, aud: client.client_id, exp: now + JARM_LIFETIME, iat: now }, alg, deps.keys);
  return client.authorization_encrypted_response_alg ? encrypt(jws, client, deps) : jws;
}
