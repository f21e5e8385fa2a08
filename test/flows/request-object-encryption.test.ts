import { CompactEncrypt, exportJWK, generateKeyPair, importJWK, type JWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { adminRequest, registerClient } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { authorizeUrl, newBrowser, visit } from '../helpers/interaction';
import { clientKey, requestObject, unsignedJwt, type ClientKey } from '../helpers/jwt';
import { appWith, authzParams, parBasic, storedRequest } from '../helpers/par';
import { call, ISSUER } from '../helpers/worker';

type Jwks = { keys: (JWK & { kid: string; alg: string; use: string })[] };
const REDIRECT = 'https://rp.example/cb';

async function jwks(fetch: (p: string) => Response | Promise<Response> = call): Promise<Jwks> {
  return (await (await fetch('/jwks')).json()) as Jwks;
}

/** A nested JWT (RFC 9101 §6.1): `jws` encrypted to `key` with `alg`/`enc`, `cty: JWT`. */
async function encryptTo(jws: string, key: JWK & { kid?: string }, alg: string, enc = 'A256GCM'): Promise<string> {
  return new CompactEncrypt(new TextEncoder().encode(jws))
    .setProtectedHeader({ alg, enc, cty: 'JWT', ...(key.kid !== undefined && { kid: key.kid }) })
    .encrypt(await importJWK({ ...key, alg: undefined }, alg));
}

async function signingClient(metadata: Record<string, unknown> = {}): Promise<{ reg: { client_id: string; client_secret?: string }; key: ClientKey }> {
  const key = await clientKey('ES256');
  const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', jwks: { keys: [key.publicJwk] }, ...metadata });
  return { reg, key };
}

const encKey = async (alg: 'RSA-OAEP-256' | 'ECDH-ES', fetch?: (p: string) => Response | Promise<Response>) => (await jwks(fetch)).keys.find((k) => k.use === 'enc' && k.alg === alg)!;

describe('encrypted request objects (RFC 9101 §6.1: nested JWT, signed then encrypted to our key)', () => {
  it('publishes RSA-OAEP-256 and ECDH-ES P-256 keys with use "enc" in /jwks and advertises them in discovery (RFC 7517 §4.2, OpenID Connect Discovery §3)', async () => {
    const { keys } = await jwks();
    expect(keys.find((k) => k.alg === 'RSA-OAEP-256')).toMatchObject({ kty: 'RSA', use: 'enc' });
    expect(keys.find((k) => k.alg === 'ECDH-ES')).toMatchObject({ kty: 'EC', crv: 'P-256', use: 'enc' });
    const meta = (await (await call('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    expect(meta.request_object_encryption_alg_values_supported).toEqual(['RSA-OAEP-256', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW']);
    expect(meta.request_object_encryption_enc_values_supported).toEqual(['A128GCM', 'A256GCM', 'A128CBC-HS256', 'A256CBC-HS512']);
  });

  it.each([
    ['RSA-OAEP-256', 'RSA-OAEP-256', 'A256GCM'],
    ['ECDH-ES', 'ECDH-ES', 'A128GCM'],
    ['ECDH-ES', 'ECDH-ES+A128KW', 'A128CBC-HS256'],
    ['ECDH-ES', 'ECDH-ES+A256KW', 'A256GCM'],
  ] as const)('accepts at PAR a signed request object encrypted to our %s key with %s / %s (RFC 9101 §6.1, RFC 9126 §3)', async (slot, alg, enc) => {
    const { reg, key } = await signingClient();
    const jwe = await encryptTo(await requestObject(reg.client_id, key, { ...authzParams(), state: 'sealed' }), await encKey(slot), alg, enc);
    const res = await parBasic(reg.client_id, reg.client_secret!, { request: jwe });
    expect(res.status).toBe(201);
    expect((await storedRequest(((await res.json()) as { request_uri: string }).request_uri))?.request.state).toBe('sealed');
  });

  it('accepts an encrypted request object at /authorize without PAR (RFC 9101 §6.1, §5)', async () => {
    const { reg, key } = await signingClient();
    const jwe = await encryptTo(await requestObject(reg.client_id, key, authzParams()), await encKey('RSA-OAEP-256'), 'RSA-OAEP-256');
    expect((await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request: jwe }))).status).toBe(200);
  });

  it('refuses one encrypted to another key under our kid, a garbage JWE and an unsigned inner JWT: invalid_request_object (RFC 9101 §6.1, §6.3)', async () => {
    const { reg, key } = await signingClient();
    const ours = await encKey('RSA-OAEP-256');
    const foreign = { ...(await exportJWK((await generateKeyPair('RSA-OAEP-256', { extractable: true, modulusLength: 2048 })).publicKey)), kid: ours.kid };
    const signed = await requestObject(reg.client_id, key, authzParams());
    for (const request of [
      await encryptTo(signed, foreign, 'RSA-OAEP-256'),
      'eyJhbGciOiJSU0EtT0FFUC0yNTYiLCJlbmMiOiJBMjU2R0NNIn0.AAAA.BBBB.CCCC.DDDD',
      '....',
      await encryptTo(unsignedJwt({ ...authzParams(), client_id: reg.client_id, iss: reg.client_id, aud: ISSUER, exp: Math.floor(Date.now() / 1000) + 60 }), ours, 'RSA-OAEP-256'),
    ]) {
      expect(await errorOf(await parBasic(reg.client_id, reg.client_secret!, { request }))).toMatchObject({ status: 400, error: 'invalid_request_object' });
    }
  });

  it('requires encryption with the registered request_object_encryption_alg and _enc (OpenID Connect Registration §2, RFC 9101 §6.1)', async () => {
    const { reg, key } = await signingClient({ request_object_encryption_alg: 'RSA-OAEP-256', request_object_encryption_enc: 'A256GCM' });
    const signed = await requestObject(reg.client_id, key, authzParams());
    const refused = async (request: string) => expect(await errorOf(await parBasic(reg.client_id, reg.client_secret!, { request }))).toMatchObject({ status: 400, error: 'invalid_request_object' });
    await refused(signed);
    await refused(await encryptTo(signed, await encKey('ECDH-ES'), 'ECDH-ES', 'A256GCM'));
    await refused(await encryptTo(signed, await encKey('RSA-OAEP-256'), 'RSA-OAEP-256', 'A128GCM'));
    expect((await parBasic(reg.client_id, reg.client_secret!, { request: await encryptTo(signed, await encKey('RSA-OAEP-256'), 'RSA-OAEP-256', 'A256GCM') })).status).toBe(201);
  });

  it('rotates the encryption keys with the signing keys: new ones published, the previous ones still decrypt (DESIGN.md "Key retirement is by time")', async () => {
    const { reg, key } = await signingClient();
    const before = await encKey('RSA-OAEP-256');
    expect((await adminRequest('POST', '/keys/rotate?immediate=true')).status).toBe(200);
    const after = (await jwks()).keys.filter((k) => k.use === 'enc' && k.alg === 'RSA-OAEP-256');
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after.map((k) => k.kid)).toContain(before.kid);
    const jwe = await encryptTo(await requestObject(reg.client_id, key, authzParams()), before, 'RSA-OAEP-256');
    expect((await parBasic(reg.client_id, reg.client_secret!, { request: jwe })).status).toBe(201);
  });

  it('takes use "enc" keys from SIGNING_KEYS and offers only their algs (README "Keys")', async () => {
    const signing = await Promise.all((['ES256', 'EdDSA', 'PS256', 'RS256'] as const).map(async (alg) => ({
      ...(await exportJWK((await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' && { crv: 'Ed25519' }) })).privateKey)), kid: alg, alg,
    })));
    const rsa = { ...(await exportJWK((await generateKeyPair('RSA-OAEP-256', { extractable: true, modulusLength: 2048 })).privateKey)), kid: 'enc-1', alg: 'RSA-OAEP-256', use: 'enc' };
    const fetch = appWith({ SIGNING_KEYS: JSON.stringify({ keys: [...signing, rsa] }) });
    const published = (await jwks(fetch)).keys.find((k) => k.kid === 'enc-1')!;
    expect(published).toMatchObject({ kty: 'RSA', use: 'enc', alg: 'RSA-OAEP-256' });
    expect(published).not.toHaveProperty('d');
    const meta = (await (await fetch('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    expect(meta.request_object_encryption_alg_values_supported).toEqual(['RSA-OAEP-256']);
  });
});

describe('require_signed_request_object (RFC 9101 §10.5)', () => {
  it('refuses plain parameters at PAR and at /authorize for a client that registered it, and accepts a signed request object at both', async () => {
    const { reg, key } = await signingClient({ require_signed_request_object: true });
    expect(((await (await adminRequest('GET', `/clients/${reg.client_id}`)).json()) as Record<string, unknown>).require_signed_request_object).toBe(true);
    expect(await errorOf(await parBasic(reg.client_id, reg.client_secret!, authzParams()))).toMatchObject({ status: 400, error: 'invalid_request' });
    expect((await parBasic(reg.client_id, reg.client_secret!, { request: await requestObject(reg.client_id, key, authzParams()) })).status).toBe(201);
    const plain = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, ...authzParams({ state: 'p' }) }));
    expect(plain.status).toBe(303);
    expect(Object.fromEntries(new URL(plain.headers.get('location')!).searchParams)).toMatchObject({ error: 'invalid_request', state: 'p', iss: ISSUER });
    expect((await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request: await requestObject(reg.client_id, key, authzParams()) }))).status).toBe(200);
  });

  it('applies to every client with REQUIRE_SIGNED_REQUEST_OBJECT=true and is advertised in discovery', async () => {
    const fetch = appWith({ REQUIRE_SIGNED_REQUEST_OBJECT: 'true' });
    const { reg } = await signingClient();
    const init = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${reg.client_id}:${reg.client_secret}`)}` }, body: new URLSearchParams(authzParams()).toString() };
    expect(await errorOf(await fetch('/par', init))).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(((await (await fetch('/.well-known/openid-configuration')).json()) as Record<string, unknown>).require_signed_request_object).toBe(true);
  });

  it('leaves other clients free to send plain parameters (RFC 9101 §10.5 is opt-in)', async () => {
    const { reg } = await signingClient();
    expect((await parBasic(reg.client_id, reg.client_secret!, authzParams({ redirect_uri: REDIRECT }))).status).toBe(201);
  });
});
