import { describe, expect, it } from 'vitest';
import { createUser, registerClient, type RegisteredClient } from '../helpers/admin';
import { errorCodeOfPage } from '../helpers/errors';
import { authorizeUrl, callbackOf, loginAndConsent, newBrowser, parseForm, postForm, pushRequest, visit, type TestBrowser } from '../helpers/interaction';
import { ISSUER } from '../helpers/worker';

const REDIRECT = 'https://rp.example/cb';

async function authorize(reg: RegisteredClient, extra: Record<string, string> = {}): Promise<URL> {
  const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid profile', state: 'st', ...extra });
  return authorizeUrl({ client_id: reg.client_id, request_uri });
}

/** Opens `url` in `browser`, signs in as `user`, and returns the form of the page that follows (the consent page). */
async function signInToConsent(browser: TestBrowser, url: URL, user: { username: string; password: string }) {
  const login = parseForm(await (await visit(browser, url)).text());
  const next = await postForm(browser, login.action, { ...login.fields, username: user.username, password: user.password });
  const html = await (await visit(browser, new URL(next.headers.get('location')!, ISSUER))).text();
  expect(html).toContain('name="decision"');
  return { html, form: parseForm(html) };
}

describe('consent is bound to the session and user it was shown to (OpenID Connect Core §3.1.2.4, issue 9 item 6)', () => {
  it('refuses with a page, and issues no code, an Allow on A\'s consent page after B signed in in another tab (OIDC Core §3.1.2.4)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const [alice, bob] = [await createUser(), await createUser()];
    const browser = newBrowser();
    const pageA = await signInToConsent(browser, await authorize(reg), alice);
    expect(pageA.html).toContain(alice.username);

    // Another tab of the same browser: Bob signs in (prompt=login forces the login page over Alice's session).
    const other = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    await signInToConsent(browser, await authorize(other, { prompt: 'login' }), bob);

    const res = await postForm(browser, pageA.form.action, { ...pageA.form.fields, decision: 'allow' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(errorCodeOfPage(await res.text())).toBe('invalid_request');

    // Nothing was recorded for Bob: a silent request of his answers consent_required.
    const silent = await callbackOf(await visit(browser, await authorize(reg, { prompt: 'none' })));
    expect(silent!.params.get('error')).toBe('consent_required');
  });

  it('refuses a consent answer without the binding the page carried (OIDC Core §3.1.2.4)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const user = await createUser();
    const browser = newBrowser();
    const { form } = await signInToConsent(browser, await authorize(reg), user);
    const { consent_binding, ...rest } = form.fields;
    expect(consent_binding).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const res = await postForm(browser, form.action, { ...rest, decision: 'allow' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    // The page itself still works for the user it was shown to.
    const ok = await callbackOf(await postForm(browser, form.action, { ...form.fields, decision: 'allow' }));
    expect(ok!.params.get('code')).toBeTruthy();
  });
});

describe('a denied request_uri is spent (RFC 9126 §7.3)', () => {
  it('answers invalid_request_uri, never a code, when a request_uri is used again after Deny (RFC 9126 §7.3)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const user = await createUser();
    const browser = newBrowser();
    const url = await authorize(reg);
    const denied = await loginAndConsent(url, user, { browser, decision: 'deny' });
    expect(Object.fromEntries(denied.params)).toEqual({ error: 'access_denied', error_description: expect.any(String), state: 'st', iss: ISSUER });
    // As for a request_uri spent by its code: the pages may show, the completion fails (DESIGN.md).
    const again = await loginAndConsent(url, user, { browser, decision: 'allow' });
    expect(Object.fromEntries(again.params)).toEqual({ error: 'invalid_request_uri', error_description: expect.any(String), state: 'st', iss: ISSUER });
  });
});
