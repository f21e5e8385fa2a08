// Keys and single-use client assertions, made with node:crypto (fast, and
// outside any measured window).
import { createHash, createPrivateKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';

export function es256Pair(kid) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
  const publicJwk = { ...publicKey.export({ format: 'jwk' }), kid, alg: 'ES256', use: 'sig' };
  return { privateJwk, publicJwk, privateKey };
}

export function rs256Jwk(kid) {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { ...privateKey.export({ format: 'jwk' }), kid, alg: 'RS256', use: 'sig' };
}

const b64u = (s) => Buffer.from(s).toString('base64url');

/** `count` private_key_jwt assertions (RFC 7523 §3), each with a fresh jti. */
export function assertions(count, { clientId, audience, key, kid, lifetime = 240 }) {
  const header = b64u(JSON.stringify({ alg: 'ES256', kid, typ: 'JWT' }));
  const now = Math.floor(Date.now() / 1000);
  const out = new Array(count);
  const keyObject = key.asymmetricKeyType ? key : createPrivateKey(key);
  for (let i = 0; i < count; i++) {
    const payload = b64u(JSON.stringify({ iss: clientId, sub: clientId, aud: audience, jti: randomBytes(16).toString('base64url'), iat: now, exp: now + lifetime }));
    const input = `${header}.${payload}`;
    out[i] = `${input}.${sign('sha256', Buffer.from(input), { key: keyObject, dsaEncoding: 'ieee-p1363' }).toString('base64url')}`;
  }
  return out;
}

export const sha256b64u = (s) => createHash('sha256').update(s).digest('base64url');
