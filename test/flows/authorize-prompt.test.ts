import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createUser, registerClient } from '../helpers/admin';
import { authorizeUrl, loginAndConsent, newBrowser, parseForm, postForm, pushRequest, visit, type TestBrowser } from '../helpers/interaction';
import { discover } from '../helpers/rp';
import { signJwt } from '../../src/crypto/jwt';
import { getServices } from '../../src/storage/services';
import { ISSUER, testEnv } from '../helpers/worker';

const REDIRECT = 'https://rp.example/cb';

/** A client, a user, and a browser already signed in with consent given for `openid profile`. */
async function signedIn() {
  const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', client_name: 'Prompt RP' });
  const user = await createUser();
  const browser = newBrowser();
  const push = (extra: Record<string, string> = {}) =>
    pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid profile', state: 'st', ...extra }).then((request_uri) =>
      authorizeUrl({ client_id: reg.client_id, request_uri }));
  const first = await loginAndConsent(await push(), user, { browser });
  expect(first.params.get('code')).toBeTruthy();
  return { reg, user, browser, push };
}

function sessionCookie(browser: TestBrowser): string | undefined {
  return browser.cookies.get('__Host-portcullis_session');
}

async function redirectParams(res: Response): Promise<Record<string, string>> {
  expect(res.status).toBe(303);
  return Object.fromEntries(new URL(res.headers.get('location')!).searchParams);
}

describe('prompt, max_age and remembered consent (OpenID Connect Core §3.1.2.1, §3.1.2.3, §3.1.2.4)', () => {
  it('answers prompt=none without a session with login_required, by redirect and without a page (OIDC Core §3.1.2.6)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'pn', prompt: 'none' });
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request_uri }));
    expect(await redirectParams(res)).toEqual({ error: 'login_required', error_description: expect.any(String), state: 'pn', iss: ISSUER });
  });

  it('answers prompt=none for a signed-in user without consent with consent_required (OIDC Core §3.1.2.6)', async () => {
    const { browser } = await signedIn();
    const other = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const request_uri = await pushRequest(other, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'pc', prompt: 'none' });
    const params = await redirectParams(await visit(browser, authorizeUrl({ client_id: other.client_id, request_uri })));
    expect(params).toMatchObject({ error: 'consent_required', state: 'pc', iss: ISSUER });
  });

  it('answers prompt=none with a code when signed in and consented (OIDC Core §3.1.2.1)', async () => {
    const as = await discover();
    const { browser, reg, push } = await signedIn();
    const res = await visit(browser, await push({ prompt: 'none' }));
    expect(res.status).toBe(303);
    expect(oauth.validateAuthResponse(as, { client_id: reg.client_id }, new URL(res.headers.get('location')!), 'st').get('code')).toBeTruthy();
  });

  it('skips login and consent pages for a signed-in user whose consent is remembered (OIDC Core §3.1.2.3, §3.1.2.4)', async () => {
    const { browser, push } = await signedIn();
    const params = await redirectParams(await visit(browser, await push()));
    expect(params.code).toBeTruthy();
  });

  it('asks again for consent when a scope outside the remembered set is requested (OIDC Core §3.1.2.4)', async () => {
    const { browser, push } = await signedIn();
    const res = await visit(browser, await push({ scope: 'openid profile email' }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('name="decision"');
  });

  it('shows the consent page again for prompt=consent (OIDC Core §3.1.2.1)', async () => {
    const { browser, push } = await signedIn();
    const res = await visit(browser, await push({ prompt: 'consent' }));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('value="allow"');
    expect(html).not.toContain('name="password"');
  });

  it('forces a new login for prompt=login and issues a new session (OIDC Core §3.1.2.1)', async () => {
    const { browser, user, push } = await signedIn();
    const before = sessionCookie(browser);
    const page = await visit(browser, await push({ prompt: 'login' }));
    expect(page.status).toBe(200);
    const form = parseForm(await page.text());
    expect(form.action).toMatch(/\/login$/);
    const res = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
    expect((await redirectParams(res)).code).toBeTruthy();
    expect(sessionCookie(browser)).toBeDefined();
    expect(sessionCookie(browser)).not.toBe(before);
  });

  it('forces a new login when max_age has elapsed, max_age=0 included (OIDC Core §3.1.2.1)', async () => {
    const { browser, push } = await signedIn();
    const page = await visit(browser, await push({ max_age: '0' }));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('name="password"');
    const within = await visit(browser, await push({ max_age: '3600' }));
    expect((await redirectParams(within)).code).toBeTruthy();
  });

  it('answers prompt=none with login_required when max_age demands a new login (OIDC Core §3.1.2.6)', async () => {
    const { browser, push } = await signedIn();
    expect(await redirectParams(await visit(browser, await push({ max_age: '0', prompt: 'none' })))).toMatchObject({ error: 'login_required' });
  });

  it('sends access_denied with state and iss when the user denies (RFC 6749 §4.1.2.1, RFC 9207 §2)', async () => {
    const as = await discover();
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const user = await createUser();
    const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'deny-state' });
    const cb = await loginAndConsent(authorizeUrl({ client_id: reg.client_id, request_uri }), user, { decision: 'deny' });
    expect(Object.fromEntries(cb.params)).toMatchObject({ error: 'access_denied', state: 'deny-state', iss: ISSUER });
    let error: unknown;
    try {
      oauth.validateAuthResponse(as, { client_id: reg.client_id }, cb.url, 'deny-state');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(oauth.AuthorizationResponseError);
    expect((error as oauth.AuthorizationResponseError).error).toBe('access_denied');
  });

  it('answers prompt=none with login_required when id_token_hint names another user (OIDC Core §3.1.2.1, §3.1.2.6)', async () => {
    const { browser, reg, user, push } = await signedIn();
    const keys = getServices(testEnv).keys;
    const now = Math.floor(Date.now() / 1000);
    const hintFor = (sub: string) => signJwt({ iss: ISSUER, sub, aud: reg.client_id, iat: now - 7200, exp: now - 3600 }, 'RS256', keys);
    const other = await visit(browser, await push({ prompt: 'none', id_token_hint: await hintFor('someone-else') }));
    expect(await redirectParams(other)).toMatchObject({ error: 'login_required', state: 'st', iss: ISSUER });
    // An expired ID token for the signed-in user is still a good hint.
    const same = await visit(browser, await push({ prompt: 'none', id_token_hint: await hintFor(user.sub) }));
    expect((await redirectParams(same)).code).toBeTruthy();
  });

  it('refuses an id_token_hint this server did not issue to the client (OIDC Core §3.1.2.1)', async () => {
    const { browser, push } = await signedIn();
    const forged = `${btoa(JSON.stringify({ alg: 'RS256' }))}.${btoa(JSON.stringify({ iss: ISSUER, sub: 'x' }))}.c2ln`;
    expect(await redirectParams(await visit(browser, await push({ id_token_hint: forged.replace(/=/g, '') })))).toMatchObject({ error: 'invalid_request' });
  });
});
