import { decodeProtectedHeader, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { getConfig } from '../../src/config';
import { resolveClientPolicy } from '../../src/oauth/client-policy';
import type { Client } from '../../src/oauth/types';
import { adminRequest, createUser, registerClient } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { fapiClient, JWT_BEARER } from '../helpers/fapi';
import { authorizeUrl, loginAndConsent, newBrowser, visit } from '../helpers/interaction';
import { clientAssertion, clientKey, requestObject } from '../helpers/jwt';
import { appWith, authzParams, parBasic } from '../helpers/par';
import { pkce } from '../helpers/rp';
import { form, ISSUER } from '../helpers/worker';

const REDIRECT = 'https://rp.example/cb';
const now = () => Math.floor(Date.now() / 1000);

/** The FAPI 2.0 Security Profile (final) for `client_profile: "fapi2"`, each rule it adds (README "FAPI 2.0"). */
describe('FAPI 2.0 Security Profile, per client (client_profile fapi2)', () => {
  it('fapi2-security-profile-final-ensure-response-type-code-idtoken-fails: unsupported_response_type (FAPI 2.0 §5.3.2.2, response_type code only)', async () => {
    const c = await fapiClient();
    expect(await errorOf(await c.post(authzParams({ response_type: 'code id_token' })))).toMatchObject({ status: 400, error: 'unsupported_response_type' });
  });

  it('fapi2-security-profile-final-par-plain-pkce-rejected even with ALLOW_PKCE_PLAIN=true: S256 only (FAPI 2.0 §5.3.2.2)', async () => {
    const c = await fapiClient();
    const verifier = (await pkce()).code_verifier;
    const res = await c.post(authzParams({ code_challenge: verifier, code_challenge_method: 'plain' }), '/par', appWith({ ALLOW_PKCE_PLAIN: 'true' }));
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('fapi2-security-profile-final-ensure-unsigned-authorization-request-without-using-par-fails: PAR required, answered 303 never 307 (FAPI 2.0 §5.3.2.2, RFC 9700 §4.12)', async () => {
    const c = await fapiClient();
    const res = await visit(newBrowser(), authorizeUrl({ client_id: c.client_id, ...authzParams({ state: 's1' }) }));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'invalid_request', state: 's1', iss: ISSUER });
    const posted = await visit(newBrowser(), `${ISSUER}/authorize`, form({ client_id: c.client_id, ...authzParams({ state: 's2' }) }));
    expect(posted.status).toBe(303);
  });

  it('refuses to register a fapi2 client with a secret or no authentication: invalid_client_metadata (FAPI 2.0 §5.3.2.1)', async () => {
    for (const method of ['client_secret_basic', 'client_secret_post', 'none']) {
      const res = await adminRequest('POST', '/clients', { redirect_uris: [REDIRECT], client_profile: 'fapi2', token_endpoint_auth_method: method });
      expect(await errorOf(res), method).toMatchObject({ status: 400, error: 'invalid_client_metadata' });
    }
  });

  it.each(['id_token_signed_response_alg', 'request_object_signing_alg', 'token_endpoint_auth_signing_alg', 'authorization_signed_response_alg'])(
    'refuses to register a fapi2 client with %s RS256: invalid_client_metadata (FAPI 2.0 §5.4.1)', async (field) => {
      const key = await clientKey('PS256');
      const res = await adminRequest('POST', '/clients', { redirect_uris: [REDIRECT], client_profile: 'fapi2', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, [field]: 'RS256' });
      expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_client_metadata' });
    },
  );

  it('refuses an RSA key under 2048 bits and a par_lifetime of 600 s (FAPI 2.0 §5.4.1, §5.3.2.2)', async () => {
    const small = { kty: 'RSA', e: 'AQAB', n: btoa(String.fromCharCode(0xc1, ...new Uint8Array(127).fill(7))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '') };
    const base = { redirect_uris: [REDIRECT], client_profile: 'fapi2', token_endpoint_auth_method: 'private_key_jwt' };
    expect(await errorOf(await adminRequest('POST', '/clients', { ...base, jwks: { keys: [small] } }))).toMatchObject({ status: 400, error: 'invalid_client_metadata' });
    const key = await clientKey('ES256');
    expect(await errorOf(await adminRequest('POST', '/clients', { ...base, jwks: { keys: [key.publicJwk] }, par_lifetime: 600 }))).toMatchObject({ status: 400, error: 'invalid_client_metadata' });
  });

  it('defaults a fapi2 client\'s ID tokens to PS256, never RS256 (FAPI 2.0 §5.4.1)', async () => {
    const key = await clientKey('ES256');
    const res = await adminRequest('POST', '/clients', { redirect_uris: [REDIRECT], client_profile: 'fapi2', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } });
    expect(((await res.json()) as { id_token_signed_response_alg: string }).id_token_signed_response_alg).toBe('PS256');
  });

  it('fapi2-security-profile-final-ensure-signed-client-assertion-with-RS256-fails: invalid_client (FAPI 2.0 §5.4.1)', async () => {
    const c = await fapiClient({}, 'RS256');
    const res = await c.post(authzParams());
    expect(await errorOf(res)).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('fapi2-security-profile-final-ensure-signed-request-object-with-RS256-fails: invalid_request_object (FAPI 2.0 §5.4.1)', async () => {
    const c = await fapiClient();
    const rsa = await clientKey('RS256');
    await adminRequest('PUT', `/clients/${c.client_id}`, { redirect_uris: [REDIRECT], client_profile: 'fapi2', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [c.key.publicJwk, rsa.publicJwk] } });
    const res = await c.post({ request: await requestObject(c.client_id, rsa, authzParams()) });
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_request_object' });
  });

  it('issues request_uris for under 600 s even when PAR_LIFETIME is 600 (FAPI 2.0 §5.3.2.2)', async () => {
    const c = await fapiClient();
    const res = await c.post(authzParams(), '/par', appWith({ PAR_LIFETIME: '600' }));
    expect(res.status).toBe(201);
    expect(((await res.json()) as { expires_in: number }).expires_in).toBe(599);
  });

  it('resolves a code lifetime of at most 60 s and a skew of 10 to 59 s whatever the settings (FAPI 2.0 §5.3.2.1)', () => {
    const fapi = { client_id: 'c', client_profile: 'fapi2', token_endpoint_auth_method: 'private_key_jwt', id_token_signed_response_alg: 'PS256' } as Client;
    expect(resolveClientPolicy(fapi, getConfig({ ISSUER, CODE_LIFETIME: '600', CLOCK_SKEW: '0' }))).toMatchObject({ code_lifetime: 60, clock_skew: 10 });
    expect(resolveClientPolicy(fapi, getConfig({ ISSUER, CLOCK_SKEW: '300' }))).toMatchObject({ clock_skew: 59 });
  });

  it('fapi2-security-profile-final-par-ensure-jwt-client-assertions-nbf-8-seconds-in-the-future is accepted, even with CLOCK_SKEW=0 (FAPI 2.0 §5.3.2.1)', async () => {
    const c = await fapiClient();
    const assertion = await clientAssertion(c.client_id, c.key, { nbf: now() + 8, iat: now() + 8 } as never);
    const res = await appWith({ CLOCK_SKEW: '0' })('/par', form({ ...authzParams(), client_assertion_type: JWT_BEARER, client_assertion: assertion }));
    expect(res.status).toBe(201);
  });

  it('fapi2-security-profile-final-par-ensure-jwt-client-assertion-with-iat-nbf-over-60-seconds-in-the-future-fails: invalid_client (FAPI 2.0 §5.3.2.1)', async () => {
    const c = await fapiClient();
    const sign = (claims: Record<string, number>) => new SignJWT({ jti: crypto.randomUUID(), iat: now(), exp: now() + 120, ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: c.key.kid }).setIssuer(c.client_id).setSubject(c.client_id).setAudience(ISSUER).sign(c.key.privateKey);
    for (const claims of [{ iat: now() + 65 }, { nbf: now() + 65 }] as Record<string, number>[]) {
      const assertion = await sign(claims);
      expect(await errorOf(await appWith({ CLOCK_SKEW: '300' })('/par', form({ ...authzParams(), client_assertion_type: JWT_BEARER, client_assertion: assertion })))).toMatchObject({ status: 401, error: 'invalid_client' });
    }
  });

  it('fapi2-security-profile-final-ensure-request-object-with-nbf-8-seconds-in-the-future-is-accepted (FAPI 2.0 §5.3.2.1)', async () => {
    const c = await fapiClient();
    const res = await c.post({ request: await requestObject(c.client_id, c.key, { ...authzParams(), nbf: now() + 8 }) }, '/par', appWith({ CLOCK_SKEW: '0' }));
    expect(res.status).toBe(201);
  });

  it('completes the code flow with iss in the authorization response and a PS256 ID token (RFC 9207 §2, FAPI 2.0 §5.3.2.2, §5.4.1)', async () => {
    const c = await fapiClient();
    const { code_challenge, code_verifier } = await pkce();
    const pushed = await c.post(authzParams({ code_challenge, state: 'st' }));
    const { request_uri } = (await pushed.json()) as { request_uri: string };
    const callback = await loginAndConsent(authorizeUrl({ client_id: c.client_id, request_uri }), await createUser());
    expect(callback.params.get('iss')).toBe(ISSUER);
    const token = await c.post({ grant_type: 'authorization_code', code: callback.params.get('code')!, code_verifier, redirect_uri: REDIRECT }, '/token');
    expect(token.status).toBe(200);
    const { id_token } = (await token.json()) as { id_token: string };
    expect(decodeProtectedHeader(id_token).alg).toBe('PS256');
  });

  it('fapi2-security-profile-final-refresh-token: a retry with the previous refresh token succeeds (FAPI 2.0 §5.3.2.1, DESIGN.md "Refresh-token rotation")', async () => {
    const c = await fapiClient();
    const { code_challenge, code_verifier } = await pkce();
    const pushed = await c.post(authzParams({ code_challenge, scope: 'openid offline_access' }));
    const { request_uri } = (await pushed.json()) as { request_uri: string };
    const callback = await loginAndConsent(authorizeUrl({ client_id: c.client_id, request_uri }), await createUser());
    const tokens = (await (await c.post({ grant_type: 'authorization_code', code: callback.params.get('code')!, code_verifier, redirect_uri: REDIRECT }, '/token')).json()) as { refresh_token: string };
    const first = await c.post({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, '/token');
    expect(first.status).toBe(200);
    const retry = await c.post({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }, '/token');
    expect(retry.status).toBe(200);
    expect(((await retry.json()) as { access_token?: string }).access_token).toBeTypeOf('string');
  });
});

describe('FAPI 2.0 Security Profile for every client (FAPI2=true)', () => {
  const fapi = appWith({ FAPI2: 'true' });

  it('refuses at runtime a client registered with client_secret_basic: invalid_client (FAPI 2.0 §5.3.2.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    expect((await parBasic(reg.client_id, reg.client_secret!, authzParams())).status).toBe(201);
    const init = form(authzParams());
    const res = await fapi('/par', { ...init, headers: { ...(init.headers as Record<string, string>), authorization: `Basic ${btoa(`${reg.client_id}:${reg.client_secret}`)}` } });
    expect(await errorOf(res)).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('refuses to register a client with a secret: invalid_client_metadata (FAPI 2.0 §5.3.2.1)', async () => {
    const res = await fapi('/admin/clients', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer test-admin-token' }, body: JSON.stringify({ redirect_uris: [REDIRECT], token_endpoint_auth_method: 'client_secret_basic' }) });
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_client_metadata' });
  });

  it('requires PAR of a default-profile client: invalid_request at /authorize (FAPI 2.0 §5.3.2.2)', async () => {
    const c = await fapiClient({ client_profile: 'default' });
    const res = await fapi(authorizeUrl({ client_id: c.client_id, ...authzParams({ state: 'g' }) }).toString());
    expect(res.status).toBe(303);
    expect(new URL(res.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
  });

  it('refuses an RS256 client assertion from any client: invalid_client (FAPI 2.0 §5.4.1)', async () => {
    const c = await fapiClient({ client_profile: 'default' }, 'RS256');
    expect((await c.post(authzParams())).status).toBe(201);
    expect(await errorOf(await c.post(authzParams(), '/par', fapi))).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('advertises only what a FAPI 2.0 client may use: no RS256, no secrets, S256, PAR required (FAPI 2.0 §5.3.2.1, §5.4.1)', async () => {
    const meta = (await (await fapi('/.well-known/openid-configuration')).json()) as Record<string, string[] | boolean>;
    for (const field of ['id_token_signing_alg_values_supported', 'authorization_signing_alg_values_supported', 'request_object_signing_alg_values_supported', 'token_endpoint_auth_signing_alg_values_supported']) {
      expect(meta[field], field).not.toContain('RS256');
      expect(meta[field], field).not.toContain('HS256');
    }
    expect(meta.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.require_pushed_authorization_requests).toBe(true);
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
  });
});

describe('FAPI 2.0 Message Signing (client_profile fapi2-message-signing)', () => {
  it('fapi2-message-signing-final-ensure-unsigned-request-at-par-endpoint-fails: invalid_request (FAPI 2.0 Message Signing §5.3.2)', async () => {
    const c = await fapiClient({ client_profile: 'fapi2-message-signing' });
    expect(await errorOf(await c.post(authzParams()))).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('fapi2-message-signing-final-ensure-request-object-without-nbf-fails: invalid_request_object (FAPI 2.0 Message Signing §5.3.2)', async () => {
    const c = await fapiClient({ client_profile: 'fapi2-message-signing' });
    expect(await errorOf(await c.post({ request: await requestObject(c.client_id, c.key, authzParams()) }))).toMatchObject({ status: 400, error: 'invalid_request_object' });
    expect((await c.post({ request: await requestObject(c.client_id, c.key, { ...authzParams(), nbf: now() }) })).status).toBe(201);
  });

  it('fapi2-message-signing-final-ensure-request-object-with-exp-over-60-fails: exp more than 60 min after nbf (FAPI 2.0 Message Signing §5.3.2)', async () => {
    const c = await fapiClient({ client_profile: 'fapi2-message-signing' });
    const request = await requestObject(c.client_id, c.key, { ...authzParams(), nbf: now() - 120, exp: now() + 3540 });
    expect(await errorOf(await c.post({ request }))).toMatchObject({ status: 400, error: 'invalid_request_object' });
  });

  it('advertises require_signed_request_object with FAPI2_MESSAGE_SIGNING=true (RFC 9101 §10.5)', async () => {
    const meta = (await (await appWith({ FAPI2: 'true', FAPI2_MESSAGE_SIGNING: 'true' })('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    expect(meta.require_signed_request_object).toBe(true);
    expect(((await (await appWith({})('/.well-known/openid-configuration')).json()) as Record<string, unknown>).require_signed_request_object).toBeUndefined();
  });
});
