import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { signJwt } from '../../src/crypto/jwt';
import { PASSWORD_ACR } from '../../src/oauth/login';
import { getServices } from '../../src/storage/services';
import { createUser, registerClient, type RegisteredClient } from '../helpers/admin';
import { authorizeUrl, callbackOf, loginAndConsent, newBrowser, pushRequest, visit } from '../helpers/interaction';
import { basic, call, ISSUER, testEnv } from '../helpers/worker';

const REDIRECT = 'https://rp.example/cb';

async function authorize(reg: RegisteredClient, extra: Record<string, string> = {}): Promise<URL> {
  const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'st', ...extra });
  return authorizeUrl({ client_id: reg.client_id, request_uri });
}

async function idTokenOf(reg: RegisteredClient, code: string) {
  const res = await call('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(reg.client_id, reg.client_secret!) },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }).toString(),
  });
  expect(res.status).toBe(200);
  return decodeJwt(((await res.json()) as { id_token: string }).id_token);
}

const subClaims = (sub: string) => JSON.stringify({ id_token: { sub: { value: sub } } });

describe('a claims request for a specific sub is answered only for that user (OpenID Connect Core §3.1.2.2, §5.5.1)', () => {
  it('answers prompt=none with login_required when another user is signed in (OIDC Core §3.1.2.2, §5.5.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const [wanted, other] = [await createUser(), await createUser()];
    const browser = newBrowser();
    await loginAndConsent(await authorize(reg), other, { browser });
    const cb = await callbackOf(await visit(browser, await authorize(reg, { claims: subClaims(wanted.sub), prompt: 'none' })));
    expect(Object.fromEntries(cb!.params)).toEqual({ error: 'login_required', error_description: expect.any(String), state: 'st', iss: ISSUER });
  });

  it('asks for a fresh login over another user\'s session, and answers for the named user only (OIDC Core §3.1.2.2, §5.5.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const [wanted, other] = [await createUser(), await createUser()];
    const browser = newBrowser();
    await loginAndConsent(await authorize(reg), other, { browser });
    const page = await visit(browser, await authorize(reg, { claims: subClaims(wanted.sub) }));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="password"');
    const cb = await loginAndConsent(await authorize(reg, { claims: subClaims(wanted.sub) }), wanted, { browser });
    expect((await idTokenOf(reg, cb.params.get('code')!)).sub).toBe(wanted.sub);
  });

  it('answers login_required, never a code, after a login as someone else than the named user (OIDC Core §3.1.2.2, §5.5.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const [wanted, other] = [await createUser(), await createUser()];
    const cb = await loginAndConsent(await authorize(reg, { claims: subClaims(wanted.sub) }), other);
    expect(Object.fromEntries(cb.params)).toEqual({ error: 'login_required', error_description: expect.any(String), state: 'st', iss: ISSUER });
  });
});

describe('an id_token_hint is answered only for the user it names (OpenID Connect Core §3.1.2.2)', () => {
  it('answers login_required, never a code, after a login as someone else than the hinted user (OIDC Core §3.1.2.2)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const [hinted, other] = [await createUser(), await createUser()];
    const now = Math.floor(Date.now() / 1000);
    const hint = await signJwt({ iss: ISSUER, sub: hinted.sub, aud: reg.client_id, iat: now - 60, exp: now + 600 }, 'RS256', getServices(testEnv).keys);
    const browser = newBrowser();
    await loginAndConsent(await authorize(reg), other, { browser });
    // Over the other user's session a fresh login is asked for; signing in as that user again does not answer for the hinted one.
    const cb = await loginAndConsent(await authorize(reg, { id_token_hint: hint }), other, { browser });
    expect(Object.fromEntries(cb.params)).toEqual({ error: 'login_required', error_description: expect.any(String), state: 'st', iss: ISSUER });
    const right = await loginAndConsent(await authorize(reg, { id_token_hint: hint }), hinted, { browser });
    expect((await idTokenOf(reg, right.params.get('code')!)).sub).toBe(hinted.sub);
  });
});

describe('an essential acr is met or answered with an error (OpenID Connect Core §5.5.1.1)', () => {
  it('answers unmet_authentication_requirements, without a login page, for an essential acr it cannot meet (OIDC Core §5.5.1.1, Unmet Authentication Requirements 1.0 §1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:x:mfa'] } } });
    const res = await visit(newBrowser(), await authorize(reg, { claims }));
    expect(res.status).toBe(303);
    const cb = await callbackOf(res);
    expect(Object.fromEntries(cb!.params)).toEqual({ error: 'unmet_authentication_requirements', error_description: expect.any(String), state: 'st', iss: ISSUER });
  });

  it('refuses an unmet essential acr value over a live session too (OIDC Core §5.5.1.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const user = await createUser();
    const browser = newBrowser();
    await loginAndConsent(await authorize(reg), user, { browser });
    const claims = JSON.stringify({ id_token: { acr: { essential: true, value: 'urn:x:mfa' } } });
    const cb = await callbackOf(await visit(browser, await authorize(reg, { claims, prompt: 'none' })));
    expect(cb!.params.get('error')).toBe('unmet_authentication_requirements');
  });

  it('meets an essential acr it supports and says so in the ID token (OIDC Core §5.5.1.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const user = await createUser();
    const claims = JSON.stringify({ id_token: { acr: { essential: true, values: ['urn:x:mfa', PASSWORD_ACR] } } });
    const cb = await loginAndConsent(await authorize(reg, { claims }), user);
    expect((await idTokenOf(reg, cb.params.get('code')!)).acr).toBe(PASSWORD_ACR);
  });
});
