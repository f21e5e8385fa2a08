import { describe, expect, it } from 'vitest';
import { createUser, registerClient } from '../helpers/admin';
import { authorizeUrl, callbackOf, loginAndConsent, newBrowser, parseForm, postForm, pushRequest, visit, type TestBrowser } from '../helpers/interaction';
import { ISSUER } from '../helpers/worker';

/**
 * Pages that leave no one stuck (issue 13): cancel (access_denied to the
 * validated redirect target, RFC 6749 §4.1.2.1), "not you?" (a fresh login,
 * OpenID Connect Core §3.1.2.3), an error page that links back, and a
 * lockout message that says how long without telling whether the account exists.
 */
const REDIRECT = 'https://rp.example/cb';

async function started(extra: Record<string, string> = {}, metadata: Record<string, unknown> = {}, browser: TestBrowser = newBrowser()) {
  const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', client_name: 'Exit RP', ...metadata });
  const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'exit-state', ...extra });
  const url = authorizeUrl({ client_id: reg.client_id, request_uri });
  const page = await visit(browser, url);
  expect(page.status).toBe(200);
  return { reg, browser, url, html: await page.text() };
}

/** The action and CSRF token of the page's form that posts to `/interaction/<id>/<action>`. */
function formTo(html: string, action: 'cancel' | 'switch'): { action: string; csrf: string } {
  const form = new RegExp(`<form method="post" action="(/interaction/[A-Za-z0-9_-]+/${action})"[^>]*><input type="hidden" name="csrf_token" value="([^"]+)"`).exec(html);
  if (!form) throw new Error(`no ${action} form in page`);
  return { action: form[1]!, csrf: form[2]! };
}

async function signIn(browser: TestBrowser, html: string, user: { username: string; password: string }) {
  const form = parseForm(html);
  const res = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
  expect(res.status).toBe(303);
  const page = await visit(browser, new URL(res.headers.get('location')!, ISSUER));
  expect(page.status).toBe(200);
  return page.text();
}

describe('cancel and return to the application (RFC 6749 §4.1.2.1)', () => {
  it('answers access_denied with state and iss at the redirect_uri from the login page (RFC 6749 §4.1.2.1, RFC 9207 §2)', async () => {
    const { browser, html } = await started();
    const cancel = formTo(html, 'cancel');
    const res = await postForm(browser, cancel.action, { csrf_token: cancel.csrf });
    expect(res.status).toBe(303);
    const cb = (await callbackOf(res))!;
    expect(`${cb.url.origin}${cb.url.pathname}`).toBe(REDIRECT);
    expect(Object.fromEntries(cb.params)).toEqual({ error: 'access_denied', error_description: 'the user cancelled the sign-in', state: 'exit-state', iss: ISSUER });
  });

  it('spends the request: signing in with the same request_uri afterwards gives no code (RFC 9126 §7.3)', async () => {
    const user = await createUser();
    const { browser, html, url } = await started();
    const cancel = formTo(html, 'cancel');
    await postForm(browser, cancel.action, { csrf_token: cancel.csrf });
    const again = await loginAndConsent(url, user, { browser });
    expect(again.params.get('error')).toBe('invalid_request_uri');
    expect(again.params.get('code')).toBeNull();
  });

  it('answers access_denied in the client\'s response mode from the consent page (OAuth 2.0 Form Post Response Mode §2)', async () => {
    const user = await createUser();
    const { browser, html } = await started({ response_mode: 'form_post' });
    const consent = await signIn(browser, html, user);
    const cancel = formTo(consent, 'cancel');
    const res = await postForm(browser, cancel.action, { csrf_token: cancel.csrf });
    const cb = (await callbackOf(res))!;
    expect(cb.mode).toBe('form_post');
    expect(cb.url.href).toBe(REDIRECT);
    expect(Object.fromEntries(cb.params)).toMatchObject({ error: 'access_denied', state: 'exit-state', iss: ISSUER });
  });

  it('refuses a cancel without the CSRF token with 403 and no redirect (RFC 6749 §10.12)', async () => {
    const { browser, html } = await started();
    const res = await postForm(browser, formTo(html, 'cancel').action, {});
    expect(res.status).toBe(403);
    expect(res.headers.get('location')).toBeNull();
  });
});

describe('not you? sign in as someone else (OpenID Connect Core §3.1.2.3)', () => {
  it('shows the login page again, and the next sign-in, as another user, reaches a consent page naming that user', async () => {
    const [ada, bob] = [await createUser(), await createUser()];
    const { browser, html } = await started();
    const consent = await signIn(browser, html, ada);
    expect(consent).toContain(`<strong>${ada.username}</strong>`);
    const swap = formTo(consent, 'switch');
    const res = await postForm(browser, swap.action, { csrf_token: swap.csrf });
    expect(res.status).toBe(303);
    const next = new URL(res.headers.get('location')!, ISSUER);
    expect(next.pathname).toMatch(/^\/interaction\/[A-Za-z0-9_-]{43}$/);
    expect(next.pathname).not.toBe(swap.action.replace(/\/switch$/, ''));
    const login = await (await visit(browser, next)).text();
    expect(login).toContain('name="password"');
    const again = await signIn(browser, login, bob);
    expect(again).toContain(`<strong>${bob.username}</strong>`);
    expect(again).not.toContain(ada.username);
  });

  it('refuses a switch without the CSRF token with 403 (RFC 6749 §10.12)', async () => {
    const user = await createUser();
    const { browser, html } = await started();
    const consent = await signIn(browser, html, user);
    const res = await postForm(browser, formTo(consent, 'switch').action, { csrf_token: 'A'.repeat(43) });
    expect(res.status).toBe(403);
  });
});

describe('the error page links back where it can', () => {
  it('links to the client\'s https client_uri on an error that may not be redirected (RFC 7591 §2)', async () => {
    const { browser, html } = await started({}, { client_uri: 'https://rp.example/home' });
    const res = await postForm(browser, formTo(html, 'cancel').action, { csrf_token: 'A'.repeat(43) });
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('<a href="https://rp.example/home" rel="noopener noreferrer">Return to Exit RP</a>');
  });

  it('says "close this window" when the client has no https client_uri', async () => {
    const { browser, html } = await started({}, { client_uri: 'http://127.0.0.1/home' });
    const page = await (await postForm(browser, formTo(html, 'cancel').action, {})).text();
    expect(page).not.toContain('127.0.0.1');
    expect(page).toContain('You can close this window.');
  });
});

describe('lockout message (NIST SP 800-63B §5.2.2, RFC 9110 §10.2.3)', () => {
  const alertOf = (html: string) => /<p class="alert" id="login-error" role="alert">([^<]*)<\/p>/.exec(html)?.[1];

  async function lockedOut(username: string, ui_locales?: string) {
    const browser = newBrowser();
    const { html } = await started(ui_locales ? { ui_locales } : {}, {}, browser);
    const form = parseForm(html);
    for (let i = 0; i < 5; i++) {
      expect((await postForm(browser, form.action, { ...form.fields, username, password: `wrong-${i}` })).status).toBe(400);
    }
    return postForm(browser, form.action, { ...form.fields, username, password: 'still wrong' });
  }

  it('says how long in minutes, the same for a known and an unknown account (no enumeration)', async () => {
    const user = await createUser();
    const known = await lockedOut(user.username);
    const unknown = await lockedOut(`ghost-${crypto.randomUUID()}`);
    for (const res of [known, unknown]) {
      expect(res.status).toBe(429);
      // The window is LOGIN_FAILURE_WINDOW (900 s); a second may pass while the test runs.
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(840);
      expect(Number(res.headers.get('retry-after'))).toBeLessThanOrEqual(900);
    }
    expect(alertOf(await known.text())).toBe('Too many sign-in attempts. Try again in 15 minutes.');
    expect(alertOf(await unknown.text())).toBe('Too many sign-in attempts. Try again in 15 minutes.');
  });

  it('says it in the page language (OpenID Connect Core §3.1.2.1 ui_locales)', async () => {
    const res = await lockedOut(`ghost-${crypto.randomUUID()}`, 'da');
    expect(alertOf(await res.text())).toBe('For mange loginforsøg. Prøv igen om 15 minutter.');
  });
});
