import { CompactEncrypt, importJWK, type JWK } from 'jose';
import type { Config } from '../config';
import { utf8 } from '../crypto/encoding';
import { signJwt } from '../crypto/jwt';
import type { KeyStorePort } from '../storage/ports';
import type { RemoteJwksPort } from '../storage/ports';
import { resolveClientPolicy } from './client-policy';
import { ServerError, TemporarilyUnavailable, type OAuthError } from './errors';
import type { Client, ResponseMode } from './types';

/** JARM §2.1: the response JWT lives for a short time; 10 minutes, as the spec recommends. */
export const JARM_LIFETIME = 600;

export interface JarmDeps {
  config: Config;
  keys: KeyStorePort;
  remoteJwks: RemoteJwksPort;
  now: () => number;
}

/** Key types each supported key-management algorithm encrypts to (RFC 7518 §4.3, §4.6). */
export const JWE_KEY_TYPES: Record<string, string[]> = {
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
  const kinds = JWE_KEY_TYPES[alg] ?? [];
  const usable = keys.filter((k) => kinds.includes(k.kty ?? '') && (k.use === undefined || k.use === 'enc') && (k.alg === undefined || k.alg === alg));
  return usable.find((k) => k.use === 'enc') ?? usable[0];
}

type EncryptionKey = { ok: true; key: CryptoKey | Uint8Array; kid?: string } | { ok: false; error: OAuthError };

/** The imported key the response will be encrypted to, or the error the client is told instead. */
async function encryptionKey(client: Client, remote: RemoteJwksPort): Promise<EncryptionKey> {
  const alg = client.authorization_encrypted_response_alg!;
  let keys = client.jwks?.keys ?? [];
  if (!client.jwks && client.jwks_uri) {
    const fetched = await remote.fetch(client.jwks_uri);
    if (!fetched.ok) return { ok: false, error: new TemporarilyUnavailable('the client jwks_uri could not be fetched to encrypt the authorization response') };
    keys = fetched.keys;
  }
  const jwk = selectEncryptionKey(keys, alg);
  const problem = `the client has no usable ${alg} key to encrypt the authorization response with (JARM section 2.3)`;
  if (!jwk) return { ok: false, error: new ServerError(problem) };
  try {
    return { ok: true, key: await importJWK(jwk, alg), ...(jwk.kid !== undefined && { kid: jwk.kid }) };
  } catch {
    return { ok: false, error: new ServerError(problem) };
  }
}

/** Whether responses in `mode` are response JWTs (JARM §2.3.4: `jwt` and every `*.jwt` mode). */
function isJwtMode(mode: ResponseMode | undefined): boolean {
  return mode === 'jwt' || (mode?.endsWith('.jwt') ?? false);
}

/**
 * Checks, before a code is issued, that the authorization response can reach
 * the client: in a JWT response mode with encryption registered, a usable key
 * must exist now (a `jwks_uri` may have gone). Throws the OAuthError the client
 * receives instead, so no code is issued and the request is not spent.
 */
export async function assertResponseDeliverable(client: Client, response_mode: ResponseMode | undefined, deps: Pick<JarmDeps, 'remoteJwks'>): Promise<void> {
  if (!isJwtMode(response_mode) || !client.authorization_encrypted_response_alg) return;
  const found = await encryptionKey(client, deps.remoteJwks);
  if (!found.ok) throw found.error;
}

/**
 * Encodes authorization response parameters as a JARM response JWT (JARM §2):
 * signed with the client policy's alg (`authorization_signed_response_alg`,
 * default RS256; PS256 or ES256 under FAPI 2.0 §5.4.1),
 * then encrypted when the client registered `authorization_encrypted_response_alg`
 * (JARM §2.3, nested JWT signed then encrypted). An error response that cannot
 * be encrypted (the key went away) is sent signed only, so the client still
 * learns the outcome; it carries no secret. A success response never is.
 */
export async function encodeJarmResponse(params: Record<string, string>, client: Client, deps: JarmDeps): Promise<string> {
  const now = deps.now();
  const alg = resolveClientPolicy(client, deps.config).authorization_signing_alg;
  const jws = await signJwt({ ...params, iss: deps.config.issuer, aud: client.client_id, exp: now + JARM_LIFETIME, iat: now }, alg, deps.keys);
  if (!client.authorization_encrypted_response_alg) return jws;
  const found = await encryptionKey(client, deps.remoteJwks);
  if (!found.ok) {
    if (params.error !== undefined) return jws;
    throw found.error;
  }
  const enc = client.authorization_encrypted_response_enc ?? 'A128CBC-HS256';
  return new CompactEncrypt(utf8(jws))
    .setProtectedHeader({ alg: client.authorization_encrypted_response_alg, enc, cty: 'JWT', ...(found.kid !== undefined && { kid: found.kid }) })
    .encrypt(found.key);
}
