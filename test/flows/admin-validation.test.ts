import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { adminRequest } from '../helpers/admin';
import { clientKey } from '../helpers/jwt';

import { testEnv, unique } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

/** Registration validation through POST /admin/clients (RFC 7591 §2, §3.2.2; RFC 8252 §7; RFC 6749 §3.1.2). */
describe('admin API: client metadata validation', () => {
  /** Test files share the local D1 database, so "stored nothing" is checked for the id the test sent. */
  const stored = async (client_id: string) => testEnv.DB.prepare('SELECT client_id FROM clients WHERE client_id = ?').bind(client_id).first();

  async function rejected(metadata: Record<string, unknown>, error: 'invalid_redirect_uri' | 'invalid_client_metadata', field: string) {
    const client_id = unique('v');
    const body = await errorOf(await adminRequest('POST', '/clients', { client_id, ...metadata }));
    expect({ status: body.status, error: body.error }).toEqual({ status: 400, error });
    expect(body.error_description).toContain(field);
    expect(await stored(client_id)).toBeNull();
  }

  async function accepted(metadata: Record<string, unknown>) {
    const res = await adminRequest('POST', '/clients', { client_id: unique('v'), ...metadata });
    expect(res.status, await res.clone().text()).toBe(201);
    return (await res.json()) as Record<string, unknown>;
  }

  it.each([
    ['a fragment', 'https://rp.example/cb#frag'],
    ['an empty fragment', 'https://rp.example/cb#'],
    ['http on a non-loopback host', 'http://rp.example/cb'],
    ['javascript:', 'javascript:alert(1)'],
    ['data:', 'data:text/html,<script>alert(1)</script>'],
    ['file:', 'file:///etc/passwd'],
    ['a relative URI', '/cb'],
    ['userinfo', 'https://user:pass@rp.example/cb'],
    ['a private-use scheme for a web app', 'com.example.app:/cb'],
  ])('refuses a redirect URI with %s: invalid_redirect_uri (RFC 7591 §3.2.2, RFC 6749 §3.1.2)', async (_label, uri) => {
    await rejected({ redirect_uris: [uri] }, 'invalid_redirect_uri', 'redirect_uris');
  });

  it('refuses a non-reverse-domain private-use scheme for a native app (RFC 8252 §7.1)', async () => {
    await rejected({ application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['myapp:/cb'] }, 'invalid_redirect_uri', 'redirect_uris');
  });

  it('accepts a reverse-domain private-use scheme for a native app (RFC 8252 §7.1)', async () => {
    const body = await accepted({ application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['com.example.app:/oauth2redirect'] });
    expect(body.redirect_uris).toEqual(['com.example.app:/oauth2redirect']);
  });

  it.each(['http://127.0.0.1:51234/cb', 'http://[::1]:8080/cb', 'http://localhost:3000/cb', 'http://127.0.0.1/cb'])(
    'accepts loopback redirect URI %s with any port (RFC 8252 §7.3)',
    async (uri) => {
      expect((await accepted({ redirect_uris: [uri] })).redirect_uris).toEqual([uri]);
    },
  );

  it('refuses authorization_code without any redirect URI', async () => {
    await rejected({ redirect_uris: [] }, 'invalid_redirect_uri', 'redirect_uris');
  });

  it('refuses a post_logout_redirect_uri with a fragment (RP-Initiated Logout §3.1)', async () => {
    await rejected({ redirect_uris: ['https://rp.example/cb'], post_logout_redirect_uris: ['https://rp.example/bye#x'] }, 'invalid_redirect_uri', 'post_logout_redirect_uris');
  });

  it('refuses jwks together with jwks_uri (RFC 7591 §2)', async () => {
    const key = await clientKey();
    await rejected({ redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, jwks_uri: 'https://rp.example/jwks' }, 'invalid_client_metadata', 'jwks');
  });

  it('refuses private_key_jwt without jwks or jwks_uri (RFC 7523 §2.2)', async () => {
    await rejected({ redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata', 'jwks');
  });

  it('refuses a jwks holding a private key', async () => {
    const { privateKey } = await generateKeyPair('ES256', { extractable: true });
    const jwk = await exportJWK(privateKey);
    await rejected({ redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [jwk] } }, 'invalid_client_metadata', 'jwks');
  });

  it('refuses a symmetric (oct) key in jwks', async () => {
    await rejected({ redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [{ kty: 'oct', k: 'AAAA' }] } }, 'invalid_client_metadata', 'jwks');
  });

  it('refuses an http jwks_uri', async () => {
    await rejected({ redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://rp.example/jwks' }, 'invalid_client_metadata', 'jwks_uri');
  });

  it.each([
    ['token_endpoint_auth_signing_alg', { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'HS256' }],
    ['token_endpoint_auth_signing_alg', { token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'none' }],
    ['id_token_signed_response_alg', { id_token_signed_response_alg: 'none' }],
    ['request_object_signing_alg', { request_object_signing_alg: 'HS256' }],
    ['authorization_signed_response_alg', { authorization_signed_response_alg: 'ES512' }],
    ['token_endpoint_auth_method', { token_endpoint_auth_method: 'tls_client_auth' }],
  ])('refuses an unsupported algorithm or method in %s', async (field, extra) => {
    const key = await clientKey();
    await rejected({ redirect_uris: ['https://rp.example/cb'], jwks: { keys: [key.publicJwk] }, ...extra }, 'invalid_client_metadata', field);
  });

  it.each([
    ['response_types', { grant_types: ['authorization_code'], response_types: [] }],
    ['response_types', { grant_types: ['client_credentials'], response_types: ['code'] }],
    ['grant_types', { grant_types: ['implicit'] }],
    ['response_types', { response_types: ['token'] }],
    ['grant_types', { grant_types: ['refresh_token'] }],
    ['grant_types', { grant_types: ['client_credentials'], response_types: [], token_endpoint_auth_method: 'none' }],
  ])('refuses inconsistent or unsupported grant/response types naming %s (RFC 7591 §2.1)', async (field, extra) => {
    await rejected({ redirect_uris: ['https://rp.example/cb'], ...extra }, 'invalid_client_metadata', field);
  });

  it.each([
    ['client_id', { client_id: 'has space' }],
    ['scope', { scope: 'openid "quoted"' }],
    ['par_lifetime', { par_lifetime: 0 }],
    ['par_lifetime', { par_lifetime: 1.5 }],
    ['require_pushed_authorization_requests', { require_pushed_authorization_requests: 'yes' }],
    ['client_profile', { client_profile: 'fapi1' }],
    ['redirect_uris', { redirect_uris: 'https://rp.example/cb' }],
  ])('refuses an invalid %s, naming it', async (field, extra) => {
    const sent = { client_id: unique('v'), redirect_uris: ['https://rp.example/cb'], ...extra };
    const body = await errorOf(await adminRequest('POST', '/clients', sent));
    expect(body.status).toBe(400);
    expect(['invalid_client_metadata', 'invalid_redirect_uri']).toContain(body.error);
    expect(body.error_description).toContain(field);
    expect(await stored(sent.client_id)).toBeNull();
  });

  it('refuses a JSON body that is not an object', async () => {
    for (const body of [[], 'str', null, 42]) {
      expect(await errorOf(await adminRequest('POST', '/clients', body))).toMatchObject({ status: 400, error: 'invalid_client_metadata' });
    }
  });
});
