import { calculateJwkThumbprint, exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { ISSUER } from './worker';

/** A client's DPoP key pair (RFC 9449 §4.1), its public JWK and its JWK SHA-256 thumbprint (RFC 7638). */
export interface DpopKey {
  privateKey: CryptoKey;
  publicKey: CryptoKey;
  jwk: JWK;
  jkt: string;
  alg: string;
}

export async function dpopKey(alg = 'ES256'): Promise<DpopKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const jwk = await exportJWK(publicKey);
  return { privateKey, publicKey, jwk, jkt: await calculateJwkThumbprint(jwk), alg };
}

/** base64url SHA-256 of an access token: the proof's `ath` (RFC 9449 §4.2). */
export async function ath(token: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(token)));
  let s = '';
  for (const b of digest) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * A DPoP proof (RFC 9449 §4.2) for `POST <ISSUER><path>` unless the claims say
 * otherwise, with a fresh `jti` and `iat` now; claims and header overridable.
 */
export function dpopProof(key: DpopKey, path: string, claims: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT({ jti: crypto.randomUUID(), htm: 'POST', htu: `${ISSUER}${path}`, iat: Math.floor(Date.now() / 1000), ...claims })
    .setProtectedHeader({ alg: key.alg, typ: 'dpop+jwt', jwk: key.jwk, ...header } as never)
    .sign(key.privateKey);
}

/** What Cloudflare reports in `request.cf.tlsClientAuth` for a presented, verified certificate (RFC 8705 §2). */
export function tlsClientAuth(certFingerprintSHA256: string): Record<string, string> {
  return {
    certPresented: '1', certVerified: 'SUCCESS', certRevoked: '0',
    certIssuerDN: 'CN=ca.example', certSubjectDN: 'CN=rp.example', certIssuerDNRFC2253: 'CN=ca.example', certSubjectDNRFC2253: 'CN=rp.example',
    certIssuerDNLegacy: '/CN=ca.example', certSubjectDNLegacy: '/CN=rp.example', certSerial: '00936EACBE07F201DF', certIssuerSerial: '2489002934BDFEA34',
    certSKI: 'BB:AF', certIssuerSKI: 'CC:DE', certFingerprintSHA1: '6b9109f36b9109f36b9109f36b9109f36b9109f3', certFingerprintSHA256,
    certNotBefore: 'Dec 22 19:39:00 2018 GMT', certNotAfter: 'Dec 22 19:39:00 2030 GMT',
  };
}
