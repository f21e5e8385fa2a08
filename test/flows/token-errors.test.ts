import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { issueCode, redeem, rpClient, type CodeOptions } from '../helpers/grant';
import { discover, viaWorker } from '../helpers/rp';
import { basic, call, form } from '../helpers/worker';

/** A confidential client and a fresh code for it, ready for a hand-built token request. */
async function setup(metadata: Record<string, unknown> = {}, code: Partial<CodeOptions> = {}) {
  const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], ...metadata });
  const issued = await issueCode({ client_id: reg.client_id, ...code });
  const params = { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier };
  const post = (overrides: Record<string, string | undefined> = {}, auth = basic(reg.client_id, reg.client_secret!)) => {
    const body = Object.fromEntries(Object.entries({ ...params, ...overrides }).filter(([, v]) => v !== undefined)) as Record<string, string>;
    const init = form(body);
    return call('/token', { ...init, headers: { ...(init.headers as Record<string, string>), authorization: auth } });
  };
  return { reg, issued, post };
}

async function expectError(res: Response, status: number, error: string) {
  expect(res.status).toBe(status);
  expect(res.headers.get('cache-control')).toBe('no-store');
  expect(res.headers.get('pragma')).toBe('no-cache');
  const body = (await res.json()) as Record<string, string>;
  expect(body.error).toBe(error);
  return body;
}

describe('token endpoint refusals (RFC 6749 §5.2)', () => {
  it('answers 405 with Allow: POST to GET (RFC 6749 §3.2)', async () => {
    const res = await call('/token');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('refuses a body that is not form-encoded (RFC 6749 §3.2)', async () => {
    const res = await call('/token', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    await expectError(res, 400, 'invalid_request');
  });

  it('refuses a repeated parameter (RFC 6749 §3.2)', async () => {
    const { reg, issued } = await setup();
    const body = `grant_type=authorization_code&code=${issued.code}&code=${issued.code}&redirect_uri=https%3A%2F%2Frp.example%2Fcb`;
    const res = await call('/token', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(reg.client_id, reg.client_secret!) }, body });
    await expectError(res, 400, 'invalid_request');
  });

  it('answers invalid_client 401 with WWW-Authenticate after failed Basic authentication (RFC 6749 §5.2)', async () => {
    const { reg, post } = await setup();
    const res = await post({}, basic(reg.client_id, 'wrong-secret'));
    await expectError(res, 401, 'invalid_client');
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
  });

  it('requires grant_type (RFC 6749 §4.1.3)', async () => {
    const { post } = await setup();
    await expectError(await post({ grant_type: undefined }), 400, 'invalid_request');
  });

  it('refuses an unknown grant_type as unsupported_grant_type (RFC 6749 §5.2)', async () => {
    const { post } = await setup();
    await expectError(await post({ grant_type: 'password' }), 400, 'unsupported_grant_type');
  });

  it('refuses a grant type the client did not register as unauthorized_client (RFC 6749 §5.2)', async () => {
    const { post } = await setup({ grant_types: ['authorization_code'] });
    await expectError(await post({ grant_type: 'client_credentials' }), 400, 'unauthorized_client');
  });

  it('requires code (RFC 6749 §4.1.3)', async () => {
    const { post } = await setup();
    await expectError(await post({ code: undefined }), 400, 'invalid_request');
  });

  it('refuses a malformed code as invalid_grant (RFC 6749 §5.2)', async () => {
    const { post } = await setup();
    await expectError(await post({ code: 'not-a-code' }), 400, 'invalid_grant');
  });

  it('refuses a wrong code_verifier as invalid_grant and leaves the code usable (RFC 7636 §4.6)', async () => {
    const { post } = await setup();
    await expectError(await post({ code_verifier: oauth.generateRandomCodeVerifier() }), 400, 'invalid_grant');
    expect((await post()).status).toBe(200);
  });

  it('refuses a missing code_verifier when a challenge was sent (RFC 7636 §4.6)', async () => {
    const { post } = await setup();
    await expectError(await post({ code_verifier: undefined }), 400, 'invalid_grant');
  });

  it('refuses a code_verifier for a code issued without a challenge (RFC 9700 §4.8.2)', async () => {
    const { post } = await setup({}, { pkce: null });
    await expectError(await post(), 400, 'invalid_grant');
    expect((await post({ code_verifier: undefined })).status).toBe(200);
  });

  it('refuses a code_verifier that breaks the RFC 7636 §4.1 syntax as invalid_request', async () => {
    const { post } = await setup();
    await expectError(await post({ code_verifier: 'too-short' }), 400, 'invalid_request');
    await expectError(await post({ code_verifier: 'a'.repeat(129) }), 400, 'invalid_request');
    await expectError(await post({ code_verifier: 'a'.repeat(42) + '!' }), 400, 'invalid_request');
  });

  it('refuses a code issued to another client with the same generic description (RFC 6749 §4.1.3)', async () => {
    const { post } = await setup();
    const other = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const wrongClient = await expectError(await post({}, basic(other.client_id, other.client_secret!)), 400, 'invalid_grant');
    const wrongVerifier = await expectError(await post({ code_verifier: oauth.generateRandomCodeVerifier() }), 400, 'invalid_grant');
    expect(wrongClient.error_description).toBe(wrongVerifier.error_description);
  });

  it('refuses a redirect_uri other than the authorization request\'s (RFC 6749 §4.1.3)', async () => {
    const { post } = await setup({ redirect_uris: ['https://rp.example/cb', 'https://rp.example/other'] });
    await expectError(await post({ redirect_uri: 'https://rp.example/other' }), 400, 'invalid_grant');
    await expectError(await post({ redirect_uri: undefined }), 400, 'invalid_request');
  });

  it('refuses an expired code (RFC 6749 §4.1.2)', async () => {
    const { post } = await setup({}, { clockShift: -120 });
    await expectError(await post(), 400, 'invalid_grant');
  });

  it('refuses a replayed code and revokes the tokens issued from it (RFC 6749 §4.1.2, RFC 9700 §4.2.4)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const issued = await issueCode({ client_id: rp.client_id, scope: 'openid profile offline_access' });
    const first = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
    expect((await oauth.userInfoRequest(as, rp.client, first.access_token, viaWorker)).status).toBe(200);

    await expectError(await redeem(as, rp, issued), 400, 'invalid_grant');

    const userinfo = await oauth.userInfoRequest(as, rp.client, first.access_token, viaWorker);
    expect(userinfo.status).toBe(401);
    expect(userinfo.headers.get('www-authenticate')).toContain('error="invalid_token"');
    const refresh = await oauth.refreshTokenGrantRequest(as, rp.client, rp.auth, first.refresh_token!, viaWorker);
    await expectError(refresh, 400, 'invalid_grant');
  });
});

