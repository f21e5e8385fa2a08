import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { adminRequest, registerClient } from '../helpers/admin';
import { clientKey, requestObject } from '../helpers/jwt';
import { errorOf } from '../helpers/errors';
import { authzParams, parBasic } from '../helpers/par';
import { ISSUER, unique } from '../helpers/worker';

/** Registration refuses metadata that would only fail after the user logged in (issue 9 item 3 and the low items). */
async function refused(metadata: Record<string, unknown>, error: string, field: string) {
  const client_id = unique('hard');
  const body = await errorOf(await adminRequest('POST', '/clients', { client_id, redirect_uris: ['https://rp.example/cb'], ...metadata }));
  expect((await adminRequest('GET', `/clients/${client_id}`)).status).toBe(404);
  expect({ status: body.status, error: body.error }).toEqual({ status: 400, error });
  expect(body.error_description.startsWith(`${field}:`)).toBe(true);
  return body.error_description;
}

const ecPublic = async () => ({ ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey)), kid: 'ec-1' });

describe('JARM encryption needs a usable key (JARM §2.3, RFC 7591 §2)', () => {
  it('refuses RSA-OAEP-256 when jwks holds only EC keys', async () => {
    const text = await refused({ jwks: { keys: [await ecPublic()] }, authorization_encrypted_response_alg: 'RSA-OAEP-256' }, 'invalid_client_metadata', 'authorization_encrypted_response_alg');
    expect(text).toContain('RSA-OAEP-256');
  });

  it('refuses ECDH-ES when the only EC key is marked use "sig" (RFC 7517 §4.2)', async () => {
    await refused({ jwks: { keys: [{ ...(await ecPublic()), use: 'sig' }] }, authorization_encrypted_response_alg: 'ECDH-ES' }, 'invalid_client_metadata', 'authorization_encrypted_response_alg');
  });
});

describe('redirect URIs that cannot be sent as a Location (RFC 3986 §2, RFC 7591 §2)', () => {
  it.each([
    ['CR LF', 'https://rp.example/cb\r\nSet-Cookie: x=y'],
    ['LF', 'https://rp.example/c\nb'],
    ['a tab', 'https://rp.example/c\tb'],
    ['NUL', 'https://rp.example/c\u0000b'],
    ['a space', 'https://rp.example/c b'],
    ['non-ASCII', 'https://rp.example/caf\u00e9'],
  ])('refuses a redirect_uri containing %s with invalid_redirect_uri', async (_label, uri) => {
    await refused({ redirect_uris: [uri] }, 'invalid_redirect_uri', 'redirect_uris');
  });

  it('refuses a post_logout_redirect_uri containing CR LF with invalid_redirect_uri (OpenID Connect RP-Initiated Logout §3.1)', async () => {
    await refused({ post_logout_redirect_uris: ['https://rp.example/bye\r\n'] }, 'invalid_redirect_uri', 'post_logout_redirect_uris');
  });
});

describe('redirect URIs whose query holds response parameter names (RFC 9207 §2, RFC 6749 §3.1.2)', () => {
  it.each(['code', 'state', 'iss'])('refuses a registered query holding "%s" (mix-up: it would answer before ours)', async (name) => {
    const text = await refused({ redirect_uris: [`https://rp.example/cb?${name}=attacker`] }, 'invalid_redirect_uri', 'redirect_uris');
    expect(text).toContain(`'${name}'`);
  });

  it('still accepts a query with other names (RFC 6749 §3.1.2)', async () => {
    expect((await adminRequest('POST', '/clients', { redirect_uris: ['https://rp.example/cb?tenant=a'] })).status).toBe(201);
  });
});

describe('registered keys are validated as keys (RFC 7517 §4, RFC 7518 §6, FAPI 2.0 Security Profile §5.4.1)', () => {
  // WebCrypto directly: jose itself refuses to generate RSA keys under 2048 bits.
  const rsaPublic = async (modulusLength: number) => {
    const params = { name: 'RSASSA-PKCS1-v1_5', modulusLength, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' };
    const pair = (await crypto.subtle.generateKey(params, true, ['sign', 'verify'])) as CryptoKeyPair;
    return { ...(await exportJWK(pair.publicKey)), kid: `rsa-${modulusLength}` };
  };

  it('refuses a 1024-bit RSA key, naming it (at least 2048 bits)', async () => {
    const text = await refused({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [await rsaPublic(1024)] } }, 'invalid_client_metadata', 'jwks');
    expect(text).toContain("'rsa-1024'");
    expect(text).toContain('1024 bits');
  });

  it('refuses a 24-bit RSA key', async () => {
    await refused({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'RSA', n: 'wAAB', e: 'AQAB' }] } }, 'invalid_client_metadata', 'jwks');
  });

  it('refuses an RSA key without "e" and an EC key without "y"', async () => {
    const { e: _e, ...noE } = await rsaPublic(2048);
    await refused({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [noE] } }, 'invalid_client_metadata', 'jwks');
    const { y: _y, ...noY } = await ecPublic();
    await refused({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [noY] } }, 'invalid_client_metadata', 'jwks');
  });

  it('refuses EC curves other than P-256, P-384 and P-521 (secp256k1)', async () => {
    const key = { ...(await ecPublic()), crv: 'secp256k1' };
    const text = await refused({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key] } }, 'invalid_client_metadata', 'jwks');
    expect(text).toContain('secp256k1');
  });

  it('refuses an EC point that is not on its curve (found by importing the key)', async () => {
    const key = await ecPublic();
    const x = key.x!;
    const offCurve = { ...key, x: (x[0] === 'A' ? 'B' : 'A') + x.slice(1) };
    const text = await refused({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [offCurve] } }, 'invalid_client_metadata', 'jwks');
    expect(text).toContain("'ec-1'");
  });

  it('accepts RSA 2048, P-256, P-384, P-521 and Ed25519 keys', async () => {
    const keys: Record<string, unknown>[] = [await rsaPublic(2048)];
    for (const alg of ['ES256', 'ES384', 'ES512', 'EdDSA']) keys.push({ ...(await clientKey(alg)).publicJwk });
    expect((await adminRequest('POST', '/clients', { redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys } })).status).toBe(201);
  });
});

describe('request object aud (RFC 7519 §4.1.3, RFC 9101 §6.3)', () => {
  it('refuses aud: [issuer, null] with invalid_request_object', async () => {
    const key = await clientKey('ES256');
    const reg = await registerClient({ jwks: { keys: [key.publicJwk] } });
    const request = await requestObject(reg.client_id, key, { ...authzParams(), aud: [ISSUER, null] as unknown as string[] });
    const res = await parBasic(reg.client_id, reg.client_secret!, { request });
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_request_object' });
    const good = await requestObject(reg.client_id, key, { ...authzParams(), aud: [ISSUER, 'https://other.example'] });
    expect((await parBasic(reg.client_id, reg.client_secret!, { request: good })).status).toBe(201);
  });
});

describe('loopback redirect URIs of native clients match on any port (RFC 8252 §7.3)', () => {
  const native = () => registerClient({ application_type: 'native', token_endpoint_auth_method: 'client_secret_basic', redirect_uris: ['http://127.0.0.1/cb', 'http://[::1]:8080/cb', 'http://localhost:3000/cb'] });
  const push = (reg: { client_id: string; client_secret?: string }, redirect_uri: string) => parBasic(reg.client_id, reg.client_secret!, authzParams({ redirect_uri }));

  it('accepts http://127.0.0.1 and http://[::1] on a port chosen at request time', async () => {
    const reg = await native();
    expect((await push(reg, 'http://127.0.0.1:51234/cb')).status).toBe(201);
    expect((await push(reg, 'http://[::1]:9/cb')).status).toBe(201);
    expect((await push(reg, 'http://[::1]/cb')).status).toBe(201);
  });

  it('still refuses another path, another loopback address, or "localhost" on another port (RFC 8252 §8.3)', async () => {
    const reg = await native();
    for (const uri of ['http://127.0.0.1:51234/other', 'http://127.0.0.2:51234/cb', 'http://localhost:3001/cb', 'https://127.0.0.1:51234/cb']) {
      expect({ uri, ...(await errorOf(await push(reg, uri))) }).toMatchObject({ uri, status: 400, error: 'invalid_request' });
    }
  });

  it('keeps exact matching for web clients (RFC 9700 §4.1.3)', async () => {
    const reg = await registerClient({ redirect_uris: ['http://127.0.0.1:8080/cb'] });
    expect(await errorOf(await push(reg, 'http://127.0.0.1:9090/cb'))).toMatchObject({ status: 400, error: 'invalid_request' });
  });
});
