import { calculateJwkThumbprint, decodeProtectedHeader, EmbeddedJWK, errors, jwtVerify, type JWK, type JWTPayload } from 'jose';
import type { Config } from '../config';
import { sha256b64 } from '../crypto/hash';
import type { ReplayStore } from '../storage/ports';
import { DPOP_SIGNING_ALGS } from './capabilities';
import { dpopNonce, isFreshDpopNonce } from './dpop-nonce';
import { InvalidDpopProof, UseDpopNonce, type OAuthErrorOptions } from './errors';
import type { RequestInput } from './request-input';

/** RFC 9449 §4.2: the media type of a DPoP proof. */
export const DPOP_TYP = 'dpop+jwt';
/** JWK members that only a private or symmetric key has (RFC 7518 §6.2.2, §6.3.2, §6.4): never in a proof's `jwk` (RFC 9449 §4.3 check 7). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const MAX_PROOF = 8192;
const MAX_JTI = 256;

/** A verified DPoP proof: the JWK SHA-256 thumbprint of its key (RFC 7638), which `cnf.jkt` and `dpop_jkt` name. */
export interface DpopProof {
  jkt: string;
  jti: string;
  iat: number;
}

export interface DpopDeps {
  config: Config;
  replay: ReplayStore;
  now: () => number;
}

/** Where a proof is checked: the token and PAR endpoints answer 400, a protected resource 401 with a DPoP challenge (RFC 9449 §7.1). */
export interface DpopCheck {
  at: 'authorization_server' | 'resource';
  /** Whether the proof must carry a current server nonce (§8, §9). */
  nonce_required: boolean;
  /** The access token a resource request presents: the proof's `ath` must be its hash (§4.3 check 12, §7.1). */
  access_token?: string;
}

/** The error for a refused proof, shaped for where it was checked. */
function refusal(check: DpopCheck, description: string, options: OAuthErrorOptions = {}) {
  return new InvalidDpopProof(description, check.at === 'resource' ? { ...options, status: 401, challenge: 'DPoP' } : options);
}

/** The request URI without query and fragment, normalized (RFC 9449 §4.3 check 9, RFC 3986 §6.2.2 and §6.2.3); null when unparseable. */
export function htuOf(uri: string): string | null {
  try {
    const url = new URL(uri);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return null;
  }
}

/** The one DPoP header of the request, or null; two headers arrive joined by a comma, which a compact JWS never holds (§4.3 check 1). */
function proofHeader(input: RequestInput, check: DpopCheck): string | null {
  const value = input.headers.get('dpop');
  if (value === null) return null;
  if (value.includes(',')) throw refusal(check, 'send exactly one DPoP header (RFC 9449 section 4.3)');
  if (value.length > MAX_PROOF || !COMPACT_JWS.test(value)) throw refusal(check, 'the DPoP proof is not a compact JWS (RFC 9449 section 4.3)');
  return value;
}

/** The proof's public key, refused when it is not one (RFC 9449 §4.3 checks 4, 5 and 7). */
function publicJwk(proof: string, check: DpopCheck): JWK {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(proof);
  } catch {
    throw refusal(check, 'the DPoP proof header is not valid JSON');
  }
  if (header.typ !== DPOP_TYP) throw refusal(check, 'the DPoP proof typ must be dpop+jwt (RFC 9449 section 4.2)');
  if (!(DPOP_SIGNING_ALGS as readonly string[]).includes(header.alg ?? '')) {
    throw refusal(check, 'the DPoP proof alg is not an accepted asymmetric algorithm (RFC 9449 section 4.3)');
  }
  const jwk = header.jwk;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw refusal(check, 'the DPoP proof header needs a jwk (RFC 9449 section 4.2)');
  if (PRIVATE_MEMBERS.some((m) => Object.hasOwn(jwk, m))) throw refusal(check, 'the DPoP proof jwk must be a public key (RFC 9449 section 4.2)');
  return jwk;
}

/** The proof's verified claims: signature by its own jwk, then the claims every proof carries (§4.2; §4.3 checks 2, 3 and 6). */
async function verifiedClaims(proof: string, check: DpopCheck, now: number): Promise<JWTPayload & { jti: string; htm: string; htu: string; iat: number }> {
  try {
    const { payload } = await jwtVerify(proof, EmbeddedJWK, {
      algorithms: [...DPOP_SIGNING_ALGS], typ: DPOP_TYP, requiredClaims: ['jti', 'htm', 'htu', 'iat'], currentDate: new Date(now * 1000),
    });
    const { jti, htm, htu, iat } = payload;
    if (typeof jti !== 'string' || jti === '' || jti.length > MAX_JTI || typeof htm !== 'string' || typeof htu !== 'string' || typeof iat !== 'number') {
      throw refusal(check, 'the DPoP proof claims jti, htm, htu and iat are malformed (RFC 9449 section 4.2)');
    }
    return { ...payload, jti, htm, htu, iat };
  } catch (error) {
    if (error instanceof InvalidDpopProof) throw error;
    const reason = error instanceof errors.JOSEError ? error.code : 'unverifiable';
    throw refusal(check, `the DPoP proof signature or claims did not verify (${reason})`);
  }
}

/** The nonce check (§4.3 check 10, §8, §9): a missing or stale nonce is `use_dpop_nonce`, answered with a fresh one. */
async function checkNonce(nonce: unknown, check: DpopCheck, deps: DpopDeps): Promise<void> {
  if (!check.nonce_required) return;
  const now = deps.now();
  if (typeof nonce === 'string' && (await isFreshDpopNonce(deps.config, nonce, now))) return;
  const options: OAuthErrorOptions = { headers: { 'DPoP-Nonce': await dpopNonce(deps.config, now) } };
  throw new UseDpopNonce('the DPoP proof must carry the nonce of the DPoP-Nonce header (RFC 9449 section 8)',
    check.at === 'resource' ? { ...options, status: 401, challenge: 'DPoP' } : options);
}

/**
 * Verifies the DPoP proof of a request (RFC 9449 §4.3): exactly one `DPoP`
 * header; `typ` dpop+jwt; an asymmetric `alg`; a public `jwk` that verifies
 * the signature; `htm` and `htu` (without query and fragment, normalized)
 * matching this request; `iat` within `DPOP_PROOF_LIFETIME` and `CLOCK_SKEW`;
 * `ath` at a resource (§7.1); the server nonce when required (§8); and a `jti`
 * never seen before for this key within the window (§11.1), checked and
 * recorded in one call to the key thumbprint's ReplayGuard Durable Object.
 * Returns null when the request has no DPoP header.
 */
export async function verifyDpopProof(input: RequestInput, check: DpopCheck, deps: DpopDeps): Promise<DpopProof | null> {
  const proof = proofHeader(input, check);
  if (proof === null) return null;
  const jwk = publicJwk(proof, check);
  const { config } = deps;
  const now = deps.now();
  const claims = await verifiedClaims(proof, check, now);
  if (claims.htm !== input.method) throw refusal(check, 'the DPoP proof htm does not match the request method (RFC 9449 section 4.3)');
  const htu = htuOf(claims.htu);
  if (htu === null || htu !== htuOf(input.url)) throw refusal(check, 'the DPoP proof htu does not match the request URI (RFC 9449 section 4.3)');
  if (claims.iat > now + config.clockSkew || claims.iat < now - config.dpopProofLifetime - config.clockSkew) {
    throw refusal(check, 'the DPoP proof iat is outside the accepted window (RFC 9449 section 4.3)');
  }
  if (check.access_token !== undefined && claims.ath !== (await sha256b64(check.access_token))) {
    throw refusal(check, 'the DPoP proof ath does not match the access token (RFC 9449 section 4.3)');
  }
  await checkNonce(claims.nonce, check, deps);
  const jkt = await calculateJwkThumbprint(jwk, 'sha256');
  const fresh = await deps.replay.claim(`dpop:${jkt}`, claims.jti, claims.iat + config.dpopProofLifetime + config.clockSkew);
  if (!fresh) throw refusal(check, 'the DPoP proof jti has been used before (RFC 9449 section 11.1)');
  return { jkt, jti: claims.jti, iat: claims.iat };
}
