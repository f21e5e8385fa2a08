import { describe, expect, it } from 'vitest';
import { createUser, registerClient } from '../helpers/admin';
import { authorizeUrl, loginAndConsent, newBrowser, parseForm, postForm, pushRequest, setCookies, visit, type TestBrowser } from '../helpers/interaction';
import { ISSUER } from '../helpers/worker';

const REDIRECT = 'https://rp.example/cb';

/** A browser on the login page of a fresh pushed request. */
async function onLoginPage(browser: TestBrowser = newBrowser(), extra: Record<string, string> = {}) {
  const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', client_name: 'Login RP' });
  const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'ls', ...extra });
  const page = await visit(browser, authorizeUrl({ client_id: reg.client_id, request_uri }));
  expect(page.status).toBe(200);
  return { reg, browser, page, form: parseForm(await page.clone().text()) };
}

const alertOf = (html: string) => /<p class="alert" id="login-error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];

describe('login page (DESIGN.md contract 4; OpenID Connect Core §3.1.2.3)', () => {
  it('renders a form with labelled username and password inputs and a hidden CSRF token (DESIGN.md contract 4)', async () => {
    const { page, form } = await onLoginPage();
    const html = await page.text();
    expect(html).toContain('<label for="username">');
    expect(html).toMatch(/<input type="text" id="username" name="username"[^>]*autocomplete="username"/);
    expect(html).toMatch(/<input type="password" id="password" name="password"[^>]*autocomplete="current-password"/);
    expect(form.fields.csrf_token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(html).toContain('Login RP');
  });

  it('gives the same message and status for a wrong password and an unknown user: no enumeration (DESIGN.md, OWASP ASVS V2.2)', async () => {
    const user = await createUser();
    const a = await onLoginPage();
    const wrong = await postForm(a.browser, a.form.action, { ...a.form.fields, username: user.username, password: 'not the password' });
    const b = await onLoginPage();
    const unknown = await postForm(b.browser, b.form.action, { ...b.form.fields, username: `ghost-${crypto.randomUUID()}`, password: 'whatever' });
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    expect(alertOf(await wrong.text())).toBe('The username or password is incorrect.');
    expect(alertOf(await unknown.text())).toBe('The username or password is incorrect.');
  });

  it('throttles failed logins per account with 429 and Retry-After, even for the right password (NIST SP 800-63B §5.2.2)', async () => {
    const user = await createUser();
    for (let i = 0; i < 5; i++) {
      const { browser, form } = await onLoginPage();
      expect((await postForm(browser, form.action, { ...form.fields, username: user.username, password: `wrong-${i}` })).status).toBe(400);
    }
    const { browser, form } = await onLoginPage();
    const res = await postForm(browser, form.action, { ...form.fields, username: user.username.toUpperCase(), password: user.password });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(alertOf(await res.text())).toMatch(/Too many sign-in attempts/);
    expect(res.headers.get('set-cookie') ?? '').not.toContain('portcullis_session');
  });

  it('throttles failed logins per client IP across accounts (NIST SP 800-63B §5.2.2)', async () => {
    const browser = newBrowser(`203.0.113.${crypto.randomUUID().slice(0, 6)}`);
    const { form } = await onLoginPage(browser);
    for (let i = 0; i < 20; i++) {
      const res = await postForm(browser, form.action, { ...form.fields, username: `nobody-${i}-${crypto.randomUUID().slice(0, 4)}`, password: 'x' });
      expect(res.status).toBe(400);
    }
    const res = await postForm(browser, form.action, { ...form.fields, username: 'someone-else', password: 'x' });
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
  });

  it('refuses a POST without the CSRF token, with 403 and no redirect (RFC 6749 §10.12)', async () => {
    const user = await createUser();
    const { browser, form } = await onLoginPage();
    const res = await postForm(browser, form.action, { username: user.username, password: user.password });
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('set-cookie') ?? '').not.toContain('portcullis_session');
  });

  it('refuses a wrong CSRF token (RFC 6749 §10.12)', async () => {
    const user = await createUser();
    const { browser, form } = await onLoginPage();
    const res = await postForm(browser, form.action, { csrf_token: 'A'.repeat(43), username: user.username, password: user.password });
    expect(res.status).toBe(403);
  });

  it('refuses the right token from another browser: login CSRF (RFC 6749 §10.12)', async () => {
    const user = await createUser();
    const { form } = await onLoginPage();
    const res = await postForm(newBrowser(), form.action, { ...form.fields, username: user.username, password: user.password });
    expect(res.status).toBe(403);
  });

  it('refuses a cross-origin POST (RFC 6749 §10.12, Fetch Metadata)', async () => {
    const user = await createUser();
    const { browser, form } = await onLoginPage();
    const fields = { ...form.fields, username: user.username, password: user.password };
    expect((await postForm(browser, form.action, fields, { origin: 'https://attacker.example' })).status).toBe(403);
    expect((await postForm(browser, form.action, fields, { 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await postForm(browser, form.action, fields, { origin: 'null', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
  });

  it('accepts Origin: null from its own form, as browsers send under Referrer-Policy: no-referrer (Fetch §3.2.5)', async () => {
    const user = await createUser();
    const { browser, form } = await onLoginPage();
    const res = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password }, { origin: 'null', 'sec-fetch-site': 'same-origin' });
    expect(res.status).toBe(303);
  });

  it('refuses a CSRF-less consent POST (RFC 6749 §10.12)', async () => {
    const user = await createUser();
    const { browser, form } = await onLoginPage();
    const consentPage = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
    const consent = parseForm(await (await visit(browser, new URL(consentPage.headers.get('location')!, ISSUER))).text());
    const res = await postForm(browser, consent.action, { decision: 'allow' });
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
  });

  it('issues a new session id on every login, never reusing one the browser presented (session fixation, OWASP)', async () => {
    const user = await createUser();
    const browser = newBrowser();
    const planted = 'P'.repeat(43);
    browser.cookies.set('__Host-portcullis_session', planted);
    const one = await onLoginPage(browser);
    await postForm(browser, one.form.action, { ...one.form.fields, username: user.username, password: user.password });
    const first = browser.cookies.get('__Host-portcullis_session');
    expect(first).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(first).not.toBe(planted);
    const two = await onLoginPage(browser, { prompt: 'login' });
    await postForm(browser, two.form.action, { ...two.form.fields, username: user.username, password: user.password });
    expect(browser.cookies.get('__Host-portcullis_session')).not.toBe(first);
  });

  it('sets the session cookie __Host-prefixed, HttpOnly, Secure, SameSite=Lax, Path=/ (RFC 6265bis §4.1.3.2)', async () => {
    const user = await createUser();
    const { browser, form } = await onLoginPage();
    const res = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
    const cookie = setCookies(res).get('__Host-portcullis_session')!;
    expect(cookie).toMatch(/^__Host-portcullis_session=[A-Za-z0-9_-]{43};/);
    for (const flag of ['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/']) expect(cookie).toContain(flag);
    expect(cookie).not.toMatch(/Domain=/i);
    const binding = setCookies((await onLoginPage()).page).get('__Host-portcullis_interaction')!;
    for (const flag of ['HttpOnly', 'Secure', 'SameSite=Lax', 'Path=/']) expect(binding).toContain(flag);
  });

  it('sends no-framing, no-referrer, no-store and a strict CSP on login, consent and error pages (RFC 6749 §10.13, CSP3)', async () => {
    const user = await createUser();
    const { browser, page, form } = await onLoginPage();
    const consentRedirect = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
    const consent = await visit(browser, new URL(consentRedirect.headers.get('location')!, ISSUER));
    const error = await visit(newBrowser(), '/authorize?client_id=nobody');
    for (const res of [page, consent, error]) {
      const csp = res.headers.get('content-security-policy')!;
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).toMatch(/style-src 'nonce-[A-Za-z0-9_-]+'/);
      expect(csp).toContain("script-src 'none'");
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('referrer-policy')).toBe('no-referrer');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    }
  });

  it('shows the client name and each scope in words on the consent page (OIDC Core §3.1.2.4)', async () => {
    const user = await createUser();
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', client_name: 'Shop <Demo>' });
    const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid email offline_access', state: 'c' });
    const browser = newBrowser();
    const form = parseForm(await (await visit(browser, authorizeUrl({ client_id: reg.client_id, request_uri }))).text());
    const next = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
    const html = await (await visit(browser, new URL(next.headers.get('location')!, ISSUER))).text();
    expect(html).toContain('Shop &lt;Demo&gt;');
    for (const words of ['Know who you are', 'See your email address', 'Stay connected']) expect(html).toContain(words);
    expect(html).toMatch(/<button type="submit" name="decision" value="allow">/);
    expect(html).toMatch(/<button type="submit" name="decision" value="deny"/);
    expect(html).toContain(user.username);
  });

  it('hands the helper a callback for reuse by other flows (test/helpers/interaction.ts)', async () => {
    const user = await createUser();
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'h' });
    const cb = await loginAndConsent(authorizeUrl({ client_id: reg.client_id, request_uri }), user);
    expect(cb.params.get('code')).toBeTruthy();
  });
});
