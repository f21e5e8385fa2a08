import { describe, expect, it } from 'vitest';
import { createUser } from '../helpers/admin';
import { codeRequest, confidential, REDIRECT } from '../helpers/attack';
import { authorizeUrl, newBrowser, parseForm, postForm, pushRequest, setCookies, visit, type TestBrowser } from '../helpers/interaction';
import { pkce } from '../helpers/rp';
import { ISSUER } from '../helpers/worker';
import { expectErrorPage } from '../helpers/errors';

/**
 * Attack catalogue: the browser-facing pages (RFC 6749 §10.12 CSRF, §10.13
 * clickjacking; RFC 9700 §4.16; OWASP session fixation, user enumeration and
 * brute force). Cookie names are __Host- prefixed because the test issuer is https.
 */
const SESSION = '__Host-portcullis_session';

async function loginPage(browser: TestBrowser = newBrowser(), extra: Record<string, string> = {}) {
  const reg = await confidential();
  const request_uri = await pushRequest(reg, codeRequest((await pkce()).code_challenge, extra));
  const page = await visit(browser, authorizeUrl({ client_id: reg.client_id, request_uri }));
  expect(page.status).toBe(200);
  const html = await page.clone().text();
  expect(html).toContain('name="password"');
  return { reg, browser, page, form: parseForm(html) };
}

/** Logs in on a fresh interaction and returns the consent page that follows. */
async function consentPage(browser: TestBrowser = newBrowser()) {
  const user = await createUser();
  const { form } = await loginPage(browser);
  const after = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
  expect(after.status).toBe(303);
  const page = await visit(browser, new URL(after.headers.get('location')!, ISSUER));
  const html = await page.clone().text();
  expect(html).toContain('name="decision"');
  return { user, browser, page, form: parseForm(html) };
}

function expectNoFraming(res: Response): void {
  expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  expect(res.headers.get('x-frame-options')).toBe('DENY');
}

describe('CSRF on login and consent (RFC 6749 §10.12, RFC 9700 §4.16)', () => {
  it('RFC 6749 §10.12 — a login POST without the CSRF token is 403 and starts no session', async () => {
    const user = await createUser();
    const { browser, form } = await loginPage();
    const res = await postForm(browser, form.action, { username: user.username, password: user.password });
    expect(await expectErrorPage(res, 403)).toBe('invalid_request');
    expect(setCookies(res).has(SESSION)).toBe(false);
  });

  it('RFC 6749 §10.12 — the CSRF token of another interaction (same browser) is refused at login: 403', async () => {
    const user = await createUser();
    const browser = newBrowser();
    const first = await loginPage(browser);
    const second = await loginPage(browser);
    const res = await postForm(browser, second.form.action, { csrf_token: first.form.fields.csrf_token!, username: user.username, password: user.password });
    expect(await expectErrorPage(res, 403)).toBe('invalid_request');
  });

  it('RFC 6749 §10.12 — login CSRF: the victim\'s browser posting the attacker\'s interaction (token and all) is 403', async () => {
    const attackerAccount = await createUser();
    const attacker = await loginPage();
    const victim = newBrowser();
    const res = await postForm(victim, attacker.form.action, { ...attacker.form.fields, username: attackerAccount.username, password: attackerAccount.password });
    expect(await expectErrorPage(res, 403)).toBe('invalid_request');
  });

  it.each([
    ['a cross-site Origin', { origin: 'https://evil.example' }],
    ['Sec-Fetch-Site: cross-site', { 'sec-fetch-site': 'cross-site' }],
    ['Sec-Fetch-Site: same-site (a sibling sub-domain)', { 'sec-fetch-site': 'same-site' }],
  ])('RFC 6749 §10.12 — a login POST with %s is 403 even with the right token', async (_name, headers) => {
    const user = await createUser();
    const { browser, form } = await loginPage();
    const res = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password }, headers);
    expect(await expectErrorPage(res, 403)).toBe('invalid_request');
    expect(setCookies(res).has(SESSION)).toBe(false);
  });

  it('RFC 6749 §10.12 — a consent POST without the CSRF token is 403 and sends no code', async () => {
    const { browser, form } = await consentPage();
    const res = await postForm(browser, form.action, { decision: 'allow' });
    expect(await expectErrorPage(res, 403)).toBe('invalid_request');
  });

  it('RFC 6749 §10.12 — the CSRF token of another interaction is refused at consent: 403', async () => {
    const browser = newBrowser();
    const { form } = await consentPage(browser);
    // A second request in the same signed-in browser goes straight to its own consent page.
    const reg = await confidential();
    const request_uri = await pushRequest(reg, codeRequest((await pkce()).code_challenge));
    const other = parseForm(await (await visit(browser, authorizeUrl({ client_id: reg.client_id, request_uri }))).text());
    expect(other.action).toMatch(/\/consent$/);
    const res = await postForm(browser, other.action, { csrf_token: form.fields.csrf_token!, decision: 'allow' });
    expect(await expectErrorPage(res, 403)).toBe('invalid_request');
  });

  it('RFC 6749 §10.12 — a cross-site consent POST (forced "allow") is 403 and sends no code', async () => {
    const { browser, form } = await consentPage();
    const res = await postForm(browser, form.action, { ...form.fields, decision: 'allow' }, { origin: 'https://evil.example' });
    expect(await expectErrorPage(res, 403)).toBe('invalid_request');
  });

  it('RFC 6749 §10.12 — an interaction page opened in another browser is 403 (the link is bound to the browser that started it)', async () => {
    const { form } = await loginPage();
    const page = new URL(form.action, ISSUER).pathname.replace(/\/login$/, '');
    expect(await expectErrorPage(await visit(newBrowser(), page), 403)).toBe('invalid_request');
  });

  it('RFC 6749 §10.10 — a guessed interaction id is a page, never a redirect', async () => {
    expect(await expectErrorPage(await visit(newBrowser(), `/interaction/${'A'.repeat(43)}`))).toBe('invalid_request');
  });
});

describe('clickjacking (RFC 6749 §10.13, RFC 9700 §4.16)', () => {
  it('RFC 6749 §10.13 — the login page cannot be framed and sends no referrer', async () => {
    const { page } = await loginPage();
    expectNoFraming(page);
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('RFC 6749 §10.13 — the consent page cannot be framed', async () => {
    const { page } = await consentPage();
    expectNoFraming(page);
  });

  it('RFC 6749 §10.13 — the error pages of /authorize and /interaction cannot be framed', async () => {
    const reg = await confidential();
    expectNoFraming(await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, response_type: 'code', redirect_uri: 'https://evil.example/' })));
    expectNoFraming(await visit(newBrowser(), `/interaction/${'B'.repeat(43)}`));
  });

  it('RFC 6749 §10.13 — the form_post response page (carrying the code) cannot be framed and sends no referrer', async () => {
    const user = await createUser();
    const browser = newBrowser();
    const { form } = await loginPage(browser, { response_mode: 'form_post' });
    let res = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
    res = await visit(browser, new URL(res.headers.get('location')!, ISSUER));
    const consent = parseForm(await res.text());
    res = await postForm(browser, consent.action, { ...consent.fields, decision: 'allow' });
    expect(await res.clone().text()).toContain(REDIRECT);
    expectNoFraming(res);
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
  });

  it('RFC 6749 §10.13 — the throttled (429) login page cannot be framed', async () => {
    const user = await createUser();
    let last: Response | undefined;
    for (let i = 0; i < 6; i++) {
      const { browser, form } = await loginPage();
      last = await postForm(browser, form.action, { ...form.fields, username: user.username, password: `wrong-${i}` });
    }
    expect(last!.status).toBe(429);
    expectNoFraming(last!);
  });
});

describe('session fixation (OWASP Session Management, RFC 9700 §4.16)', () => {
  it('OWASP — the session cookie changes at login: a session from an earlier login is not carried over', async () => {
    const browser = newBrowser();
    const user = await createUser();
    const first = await loginPage(browser);
    await postForm(browser, first.form.action, { ...first.form.fields, username: user.username, password: user.password });
    const before = browser.cookies.get(SESSION);
    expect(before).toBeTruthy();
    const again = await loginPage(browser, { prompt: 'login' });
    await postForm(browser, again.form.action, { ...again.form.fields, username: user.username, password: user.password });
    expect(browser.cookies.get(SESSION)).toBeTruthy();
    expect(browser.cookies.get(SESSION)).not.toBe(before);
  });

  it('OWASP — a session cookie value planted by an attacker before login is not adopted', async () => {
    const browser = newBrowser();
    const planted = 'A'.repeat(43);
    browser.cookies.set(SESSION, planted);
    const user = await createUser();
    const { form } = await loginPage(browser);
    const res = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
    expect(setCookies(res).get(SESSION)).toBeDefined();
    expect(browser.cookies.get(SESSION)).not.toBe(planted);
    // The attacker holding the planted value has no session: /authorize asks them to log in.
    const attacker = newBrowser();
    attacker.cookies.set(SESSION, planted);
    await loginPage(attacker);
  });
});

describe('user enumeration and brute force (OWASP ASVS V2.2, NIST SP 800-63B §5.2.2)', () => {
  it('OWASP ASVS V2.2.2 — unknown user and wrong password get the same status and page text (timing is equalized in code, not asserted in tests)', async () => {
    const user = await createUser();
    const a = await loginPage();
    const wrong = await postForm(a.browser, a.form.action, { ...a.form.fields, username: user.username, password: 'not the password' });
    const b = await loginPage();
    const unknown = await postForm(b.browser, b.form.action, { ...b.form.fields, username: `ghost-${crypto.randomUUID()}`, password: 'not the password' });
    expect(wrong.status).toBe(400);
    expect(unknown.status).toBe(400);
    const alert = (html: string) => /role="alert">([^<]*)</.exec(html)?.[1];
    expect(alert(await wrong.text())).toBe(alert(await unknown.text()));
  });

  it('NIST SP 800-63B §5.2.2 — password guessing on one account is throttled: 429 with Retry-After, even for the right password', async () => {
    const user = await createUser();
    for (let i = 0; i < 5; i++) {
      const { browser, form } = await loginPage();
      expect((await postForm(browser, form.action, { ...form.fields, username: user.username, password: `guess-${i}` })).status).toBe(400);
    }
    const { browser, form } = await loginPage();
    const res = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(setCookies(res).has(SESSION)).toBe(false);
  });

  it('NIST SP 800-63B §5.2.2 — an unknown account is throttled exactly like a known one (no enumeration through the limiter)', async () => {
    const ghost = `ghost-${crypto.randomUUID()}`;
    for (let i = 0; i < 5; i++) {
      const { browser, form } = await loginPage();
      expect((await postForm(browser, form.action, { ...form.fields, username: ghost, password: `guess-${i}` })).status).toBe(400);
    }
    const { browser, form } = await loginPage();
    expect((await postForm(browser, form.action, { ...form.fields, username: ghost, password: 'x' })).status).toBe(429);
  });
});
