import { compactDecrypt, decodeProtectedHeader } from 'jose';
import type { KeyStorePort } from '../storage/ports';
import { REQUEST_OBJECT_ENC_ALGS, REQUEST_OBJECT_ENC_ENCS } from './capabilities';
import type { ClientPolicy } from './client-policy';
import { InvalidRequestObject } from './errors';

/** A JWE in compact serialization has five parts (RFC 7516 §7.1); a JWS has three. */
function isCompactJwe(jwt: string): boolean {
  return jwt.split('.').length === 5;
}

/** Our key slot for a key management alg: one P-256 key serves every ECDH-ES variant. */
function slotOf(alg: string): string {
  return alg.startsWith('ECDH-ES') ? 'ECDH-ES' : alg;
}

/**
 * The signed request object inside an encrypted one (RFC 9101 §6.1: a nested
 * JWT, signed then encrypted to the server's own `use: "enc"` key from /jwks).
 * A plain JWS passes through, unless the client registered
 * `request_object_encryption_alg`, which makes encryption mandatory (OpenID
 * Connect Registration §2). Errors never quote the header: the text reaches
 * the client's error page.
 */
export async function openRequestObject(jwt: string, policy: Pick<ClientPolicy, 'request_object_encryption'>, keys: KeyStorePort): Promise<string> {
  const wanted = policy.request_object_encryption;
  if (!isCompactJwe(jwt)) {
    if (wanted) throw new InvalidRequestObject(`request object must be encrypted with ${wanted.alg} (RFC 9101 section 6.1, client metadata request_object_encryption_alg)`);
    return jwt;
  }
  let header: { alg?: unknown; enc?: unknown; kid?: unknown };
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    throw new InvalidRequestObject('request object is not a valid JWE (RFC 7516 section 7.1)');
  }
  const { alg, enc, kid } = header;
  if (typeof alg !== 'string' || !(REQUEST_OBJECT_ENC_ALGS as readonly string[]).includes(alg)) throw new InvalidRequestObject('request object JWE alg is not supported (request_object_encryption_alg_values_supported)');
  if (typeof enc !== 'string' || !(REQUEST_OBJECT_ENC_ENCS as readonly string[]).includes(enc)) throw new InvalidRequestObject('request object JWE enc is not supported (request_object_encryption_enc_values_supported)');
  if (wanted && (alg !== wanted.alg || (wanted.enc !== undefined && enc !== wanted.enc))) {
    throw new InvalidRequestObject('request object is not encrypted with the registered request_object_encryption_alg and _enc');
  }
  const ring = await keys.ring();
  const candidates = ring.decryption.filter((k) => k.alg === slotOf(alg) && (kid === undefined || k.kid === kid));
  for (const key of candidates) {
    try {
      const { plaintext } = await compactDecrypt(jwt, await key.cryptoKey(), { keyManagementAlgorithms: [alg], contentEncryptionAlgorithms: [enc] });
      const inner = new TextDecoder().decode(plaintext);
      if (inner.split('.').length !== 3) throw new InvalidRequestObject('an encrypted request object must hold a signed request object (RFC 9101 section 6.1)');
      return inner;
    } catch (error) {
      if (error instanceof InvalidRequestObject) throw error;
      // Another of our keys may be the one it was encrypted to; none fitting is answered below.
    }
  }
  throw new InvalidRequestObject('request object could not be decrypted with any of this server\'s encryption keys (RFC 9101 section 6.1)');
}

const offered = new WeakMap<object, readonly string[]>();

/**
 * The key management algs we can open request objects with (discovery's
 * `request_object_encryption_alg_values_supported`, RFC 9101 §6.1): all of
 * them with generated keys; with SIGNING_KEYS, those whose `use: "enc"` key
 * slot (RSA-OAEP-256, ECDH-ES) the secret holds.
 */
export function requestObjectEncryptionAlgs(config: { signingKeys?: string }): readonly string[] {
  if (!config.signingKeys) return REQUEST_OBJECT_ENC_ALGS;
  let algs = offered.get(config);
  if (!algs) {
    let slots: string[] = [];
    try {
      const keys = (JSON.parse(config.signingKeys) as { keys?: Array<{ use?: unknown; alg?: unknown }> }).keys ?? [];
      slots = keys.filter((k) => k.use === 'enc' && typeof k.alg === 'string').map((k) => k.alg as string);
    } catch {
      // An unparsable SIGNING_KEYS fails loudly in the key store; nothing is offered here.
    }
    algs = REQUEST_OBJECT_ENC_ALGS.filter((alg) => slots.includes(slotOf(alg)));
    offered.set(config, algs);
  }
  return algs;
}
