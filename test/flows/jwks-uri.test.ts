import { compactDecrypt, decodeJwt, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { assertResponseDeliverable, encodeJarmResponse } from '../../src/oauth/jarm';
import type { Client } from '../../src/oauth/types';
import { getServices } from '../../src/storage/services';
import { adminRequest } from '../helpers/admin';
import { clientAssertion, clientKey, requestObject, type ClientKey } from '../helpers/jwt';
import { errorOf } from '../helpers/errors';
import { authzParams } from '../helpers/par';
import { publish } from '../helpers/rp-server';
import { ADMIN_TOKEN, testEnv, unique } from '../helpers/worker';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/**
 * The relying party's jwks_uri is a real local HTTP server on loopback. A
 * loopback jwks_uri is allowed only when the issuer itself is local, so these
 * flows run the Worker with ISSUER set to a loopback URL (a fresh env object,
 * hence freshly built config and services); the suite's own issuer,
 * https://op.example, refuses loopback (last test).
 */
const LOCAL_ISSUER = 'http://127.0.0.1:8787';
const app = createApp();
const env = { ...testEnv, ISSUER: LOCAL_ISSUER };
const local = (path: string, init: RequestInit = {}) => app.fetch(new Request(new URL(path, LOCAL_ISSUER), init), env);

async function registerLocal(metadata: Record<string, unknown>): Promise<string> {
  const res = await local('/admin/clients', {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: unique('jwks-uri'), redirect_uris: ['https://rp.example/cb'], scope: 'openid profile', ...metadata }),
  });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { client_id: string }).client_id;
}

async function par(client_id: string, key: ClientKey, extra: Record<string, string> = {}): Promise<Response> {
  const assertion = await clientAssertion(client_id, key, { aud: LOCAL_ISSUER });
  return local('/par', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ ...authzParams(), client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra }).toString(),
  });
}

describe('clients with a jwks_uri, against a real HTTP endpoint', () => {
  it('authenticates private_key_jwt with a key published at jwks_uri (RFC 7523 §3, OpenID Connect Core §9)', async () => {
    const key = await clientKey('ES256');
    const client_id = await registerLocal({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: await publish(unique('pkjwt'), { keys: [key.publicJwk] }) });
    const res = await par(client_id, key);
    expect(res.status).toBe(201);
    const stranger = await clientKey('ES256');
    expect(await errorOf(await par(client_id, stranger))).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('verifies a request object with a key published at jwks_uri (RFC 9101 §6.3, RFC 9126 §3)', async () => {
    const key = await clientKey('ES256');
    const client_id = await registerLocal({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: await publish(unique('jar'), { keys: [key.publicJwk] }) });
    const request = await requestObject(client_id, key, { ...authzParams(), aud: LOCAL_ISSUER });
    expect((await par(client_id, key, { request })).status).toBe(201);
  });

  it('answers invalid_client, not 500, when the jwks_uri document is gone (RFC 6749 §5.2)', async () => {
    const key = await clientKey('ES256');
    const client_id = await registerLocal({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri: `${(await publish(unique('gone'), { keys: [] })).replace('/doc/', '/doc/missing-')}` });
    expect(await errorOf(await par(client_id, key))).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('refuses at registration a jwks_uri on loopback, private, link-local or metadata addresses when the issuer is public (RFC 7591 §2, DESIGN.md outbound fetches)', async () => {
    const key = await clientKey('ES256');
    const loopback = await publish(unique('not-for-public'), { keys: [key.publicJwk] });
    for (const jwks_uri of [loopback, 'https://127.0.0.1/jwks', 'https://10.0.0.1/jwks', 'https://169.254.169.254/latest/meta-data', 'https://metadata.google.internal/jwks', 'https://[::ffff:127.0.0.1]/jwks', 'https://2130706433/jwks']) {
      const res = await adminRequest('POST', '/clients', { redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt', jwks_uri });
      const body = await errorOf(res);
      expect({ uri: jwks_uri, status: body.status, error: body.error }).toEqual({ uri: jwks_uri, status: 400, error: 'invalid_client_metadata' });
      expect(body.error_description).toMatch(/^jwks_uri: /);
    }
  });
});

describe('JARM encryption to a key published at jwks_uri (JARM §2.3)', () => {
  const services = getServices(env);
  const jarmClient = (jwks_uri: string) => ({ client_id: unique('jarm'), jwks_uri, authorization_encrypted_response_alg: 'RSA-OAEP-256', authorization_encrypted_response_enc: 'A256GCM' }) as Client;

  it('encrypts the response JWT to the key fetched from jwks_uri (JARM §2.3, RFC 7516 §5.1)', async () => {
    const { privateKey, publicKey } = await generateKeyPair('RSA-OAEP-256', { extractable: true });
    const client = jarmClient(await publish(unique('jarm-enc'), { keys: [{ ...(await exportJWK(publicKey)), kid: 'enc-1', use: 'enc' }] }));
    await assertResponseDeliverable(client, 'query.jwt', services);
    const jwe = await encodeJarmResponse({ code: 'c', state: 's' }, client, services);
    const { plaintext, protectedHeader } = await compactDecrypt(jwe, privateKey);
    expect(protectedHeader).toMatchObject({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: 'enc-1', cty: 'JWT' });
    expect(decodeJwt(new TextDecoder().decode(plaintext))).toMatchObject({ code: 'c', state: 's', iss: LOCAL_ISSUER, aud: client.client_id });
  });

  it('refuses before the code is issued when the jwks_uri is gone: temporarily_unavailable, sent signed (RFC 6749 §4.1.2.1)', async () => {
    const client = jarmClient((await publish(unique('jarm-gone'), { keys: [] })).replace('/doc/', '/doc/missing-'));
    await expect(assertResponseDeliverable(client, 'jwt', services)).rejects.toMatchObject({ code: 'temporarily_unavailable' });
    // Not in a JWT response mode, nothing is encrypted, so nothing to check.
    await expect(assertResponseDeliverable(client, 'query', services)).resolves.toBeUndefined();
    const error = await encodeJarmResponse({ error: 'temporarily_unavailable', state: 's' }, client, services);
    expect(decodeJwt(error)).toMatchObject({ error: 'temporarily_unavailable', state: 's' });
    await expect(encodeJarmResponse({ code: 'c' }, client, services)).rejects.toMatchObject({ code: 'temporarily_unavailable' });
  });
});
