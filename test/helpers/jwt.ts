import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { ISSUER } from './worker';

export interface ClientKey {
  privateKey: CryptoKey;
  publicJwk: JWK;
  kid: string;
  alg: string;
}

export async function clientKey(alg = 'ES256'): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  const kid = crypto.randomUUID();
  return { privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' }, kid, alg };
}

/** A client assertion (RFC 7523 §3) with overridable claims and header. */
export function clientAssertion(client_id: string, key: ClientKey | Uint8Array, claims: JWTPayload = {}, header: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const isSecret = key instanceof Uint8Array;
  return new SignJWT({ jti: crypto.randomUUID(), ...claims })
    .setProtectedHeader({ alg: isSecret ? 'HS256' : key.alg, ...(isSecret ? {} : { kid: key.kid }), ...header } as never)
    .setIssuer(client_id)
    .setSubject(client_id)
    .setAudience((claims.aud as string) ?? ISSUER)
    .setIssuedAt(now)
    .setExpirationTime((claims.exp as number) ?? now + 60)
    .sign(isSecret ? key : key.privateKey);
}

/** A signed request object (RFC 9101 §4). */
export function requestObject(client_id: string, key: ClientKey, claims: JWTPayload, header: Record<string, unknown> = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ client_id, iss: client_id, aud: ISSUER, iat: now, exp: now + 60, ...claims })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'oauth-authz-req+jwt', ...header } as never)
    .sign(key.privateKey);
}

/** An unsigned JWT (`alg: none`), for algorithm-confusion tests (RFC 8725 §2.1). */
export function unsignedJwt(payload: JWTPayload): string {
  const enc = (o: unknown) => btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
  return `${enc({ alg: 'none' })}.${enc(payload)}.`;
}
