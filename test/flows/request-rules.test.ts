import { fapiClient } from '../helpers/fapi';
import { describe, expect, it } from 'vitest';
import { createUser, registerClient } from '../helpers/admin';
import { errorOf, expectErrorPage } from '../helpers/errors';
import { authorizeUrl, loginAndConsent, newBrowser, pushRequest, visit } from '../helpers/interaction';
import { clientKey, requestObject } from '../helpers/jwt';
import { appWith, authzParams, parBasic } from '../helpers/par';
import { pkce } from '../helpers/rp';
import { basic, call, form } from '../helpers/worker';

const REDIRECT = 'https://rp.example/cb';

async function confidential(metadata: Record<string, unknown> = {}) {
  return registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], ...metadata });
}

describe('request and request_uri are mutually exclusive (RFC 9101 §5, OpenID Connect Core §6)', () => {
  it('refuses /authorize with both request and request_uri: invalid_request, never a silently ignored request object (RFC 9101 §5)', async () => {
    const key = await clientKey('ES256');
    const reg = await confidential({ jwks: { keys: [key.publicJwk] } });
    const request_uri = await pushRequest(reg, authzParams({ state: 'pushed' }));
    const request = await requestObject(reg.client_id, key, authzParams({ state: 'from-object' }));
    expect(await expectErrorPage(await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request_uri, request })))).toBe('invalid_request');
    // The pushed request alone is still good: the refusal spent nothing.
    expect((await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request_uri }))).status).toBe(200);
  });

  it('refuses both at the PAR endpoint too (RFC 9126 §2.1)', async () => {
    const key = await clientKey('ES256');
    const reg = await confidential({ jwks: { keys: [key.publicJwk] } });
    const res = await parBasic(reg.client_id, reg.client_secret!, { request: await requestObject(reg.client_id, key, authzParams()), request_uri: 'urn:ietf:params:oauth:request_uri:x' });
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_request' });
  });
});

describe('the token request repeats the authorization request\'s redirect_uri (RFC 6749 §4.1.3)', () => {
  async function codeFor(reg: { client_id: string; client_secret?: string }, url: URL) {
    const user = await createUser();
    const callback = await loginAndConsent(url, user);
    return callback.params.get('code')!;
  }

  function redeem(reg: { client_id: string; client_secret?: string }, params: Record<string, string>) {
    const init = form({ grant_type: 'authorization_code', ...params });
    return call('/token', { ...init, headers: { ...(init.headers as Record<string, string>), authorization: basic(reg.client_id, reg.client_secret!) } });
  }

  it('refuses a token request without redirect_uri when the pushed request named it: invalid_grant (RFC 6749 §4.1.3)', async () => {
    const reg = await confidential();
    const { code_challenge, code_verifier } = await pkce();
    const request_uri = await pushRequest(reg, authzParams({ code_challenge }));
    const code = await codeFor(reg, authorizeUrl({ client_id: reg.client_id, request_uri }));
    expect(await errorOf(await redeem(reg, { code, code_verifier }))).toMatchObject({ status: 400, error: 'invalid_grant' });
    // A mismatch leaves the code usable; the right redirect_uri redeems it.
    expect((await redeem(reg, { code, code_verifier, redirect_uri: REDIRECT })).status).toBe(200);
  });

  it('refuses it for a plain OAuth request that named its only registered redirect_uri (RFC 6749 §4.1.3)', async () => {
    const reg = await confidential();
    const { code_challenge, code_verifier } = await pkce();
    const code = await codeFor(reg, authorizeUrl({ client_id: reg.client_id, ...authzParams({ scope: 'profile', code_challenge }) }));
    expect(await errorOf(await redeem(reg, { code, code_verifier }))).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('lets the token request omit redirect_uri when the authorization request did too (RFC 6749 §4.1.3)', async () => {
    const reg = await confidential();
    const { code_challenge, code_verifier } = await pkce();
    const { redirect_uri: _r, ...params } = authzParams({ scope: 'profile', code_challenge });
    const code = await codeFor(reg, authorizeUrl({ client_id: reg.client_id, ...params }));
    expect((await redeem(reg, { code, code_verifier })).status).toBe(200);
  });
});

describe('FAPI 2.0 clients name their redirect_uri at PAR (FAPI 2.0 Security Profile §5.3.2.2)', () => {
  const withoutRedirect = async () => {
    const { redirect_uri: _r, ...params } = authzParams({ scope: 'profile', code_challenge: (await pkce()).code_challenge });
    return params;
  };

  it('refuses a pushed request without redirect_uri from a client_profile fapi2 client: invalid_request (FAPI 2.0 §5.3.2.2)', async () => {
    const c = await fapiClient();
    expect(await errorOf(await c.post(await withoutRedirect()))).toMatchObject({ status: 400, error: 'invalid_request' });
    expect((await c.post({ ...(await withoutRedirect()), redirect_uri: REDIRECT })).status).toBe(201);
  });

  it('refuses it from any client when FAPI2=true, and inside a request object too (FAPI 2.0 §5.3.2.2)', async () => {
    // A default-profile client that authenticates as FAPI 2.0 allows (private_key_jwt, §5.3.2.1).
    const c = await fapiClient({ client_profile: 'default' });
    const fapi = appWith({ FAPI2: 'true' });
    const push = (params: Record<string, string>) => c.post(params, '/par', fapi);
    expect(await errorOf(await push(await withoutRedirect()))).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(await errorOf(await push({ request: await requestObject(c.client_id, c.key, await withoutRedirect()) }))).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('still lets a default client default its only redirect_uri for a plain OAuth request (RFC 6749 §3.1.2.3)', async () => {
    const reg = await confidential();
    expect((await parBasic(reg.client_id, reg.client_secret!, await withoutRedirect())).status).toBe(201);
  });
});
