import { describe, expect, it } from 'vitest';
import { sha256b64 } from '../../src/crypto/hash';
import { completeReset } from '../../src/oauth/password-reset';
import { getServices } from '../../src/storage/services';
import { adminRequest, createUser, registerClient } from '../helpers/admin';
import { alertOfPage, errorOf, errorPageOf } from '../helpers/errors';
import { newBrowser, parseForm, postForm, visit } from '../helpers/interaction';
import { redeem, refresh, signIn } from '../helpers/lifecycle';
import { announceSecret } from '../helpers/secrets';
import { testEnv } from '../helpers/worker';

/**
 * One-time password reset links (issue 13): the operator makes one through
 * the admin API and delivers it; the page it opens is a CSRF-protected form
 * (RFC 6749 §10.12, as the login page), the link works once and expires, and
 * only the hash of its token is stored.
 */
const NEW_PASSWORD = 'my fresh passphrase';
announceSecret(NEW_PASSWORD);

async function resetLink(sub: string, body?: unknown): Promise<{ reset_url: string; expires_at: number; token: string }> {
  const res = await adminRequest('POST', `/users/${sub}/password-reset`, body);
  expect(res.status).toBe(201);
  const link = await res.json<{ reset_url: string; expires_at: number }>();
  const token = new URL(link.reset_url).searchParams.get('token')!;
  announceSecret(token);
  return { ...link, token };
}

/** Opens the link in a browser and submits the form with `password` (typed twice unless `confirm` differs). */
async function submit(reset_url: string, password: string, confirm = password, browser = newBrowser()) {
  const page = await visit(browser, reset_url);
  expect(page.status).toBe(200);
  const form = parseForm(await page.text());
  return postForm(browser, form.action, { ...form.fields, password, password_confirm: confirm });
}

const passwordLogin = (username: string, password: string) => ({ username, password });

describe('password reset links (issue 13)', () => {
  it('answers {reset_url, expires_at} under the issuer, and stores only the SHA-256 of the token', async () => {
    const user = await createUser();
    const before = getServices(testEnv).now();
    const link = await resetLink(user.sub);
    expect(link.reset_url).toBe(`https://op.example/password-reset?token=${link.token}`);
    expect(link.expires_at).toBeGreaterThanOrEqual(before + 3600);
    expect(link.expires_at).toBeLessThanOrEqual(before + 3601);
    const rows = await testEnv.DB.prepare('SELECT token_hash FROM password_resets WHERE sub = ?').bind(user.sub).all<{ token_hash: string }>();
    expect(rows.results).toEqual([{ token_hash: await sha256b64(link.token) }]);
  });

  it('sets the new password through the page: the old one stops working, the new one signs in, refresh tokens end', async () => {
    const client = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'] });
    const user = await createUser();
    const tokens = await redeem(client, await signIn(client, user, { scope: 'openid offline_access' }));
    const done = await submit((await resetLink(user.sub)).reset_url, NEW_PASSWORD);
    expect(done.status).toBe(200);
    expect(await done.text()).toContain('Password changed');
    expect(await errorOf(await refresh(client, tokens.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
    await expect(signIn(client, user)).rejects.toThrow();
    expect((await signIn(client, passwordLogin(user.username, NEW_PASSWORD))).code).toBeTruthy();
  });

  it('is single use: a second submission of the same link is refused with an error page and sets nothing', async () => {
    const user = await createUser();
    const { reset_url } = await resetLink(user.sub);
    const browser = newBrowser();
    const page = await visit(browser, reset_url);
    const form = parseForm(await page.text());
    const twin = { cookies: new Map(browser.cookies), ip: browser.ip }; // a second tab keeps the CSRF cookie
    const first = await postForm(browser, form.action, { ...form.fields, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD });
    expect(first.status).toBe(200);
    const hashOf = async () => (await testEnv.DB.prepare('SELECT password_hash FROM users WHERE sub = ?').bind(user.sub).first<{ password_hash: string }>())!.password_hash;
    const set = await hashOf();
    const again = await postForm(twin, form.action, { ...form.fields, password: 'another password 2', password_confirm: 'another password 2' });
    expect(await errorPageOf(again, 400)).toContain('expired or was already used');
    expect(await hashOf()).toBe(set);
    expect(await errorPageOf(await visit(newBrowser(), reset_url), 400)).toContain('expired or was already used');
  });

  it('of two submissions at once exactly one sets a password (one conditional UPDATE decides)', async () => {
    const user = await createUser();
    const { token } = await resetLink(user.sub);
    const deps = { ...getServices(testEnv), requestId: 'test' };
    const outcomes = await Promise.all([completeReset(token, 'parallel pass one', deps), completeReset(token, 'parallel pass two', deps)]);
    expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
    expect(outcomes.filter((o) => !o.ok)).toEqual([{ ok: false, reason: 'link' }]);
  });

  it('expires: past expires_at the link is refused (time moved through the services clock)', async () => {
    const user = await createUser();
    const { token } = await resetLink(user.sub, { expires_in: 300 });
    const services = getServices(testEnv);
    const later = { ...services, requestId: 'test', now: () => services.now() + 301 };
    expect(await completeReset(token, NEW_PASSWORD, later)).toEqual({ ok: false, reason: 'link' });
    const inTime = { ...services, requestId: 'test', now: () => services.now() + 290 };
    expect(await completeReset(token, NEW_PASSWORD, inTime)).toEqual({ ok: true });
  });

  it('a new password (admin-set or by another link) voids older links', async () => {
    const user = await createUser();
    const { reset_url } = await resetLink(user.sub);
    expect((await adminRequest('PUT', `/users/${user.sub}/password`, { password: NEW_PASSWORD })).status).toBe(204);
    expect(await errorPageOf(await visit(newBrowser(), reset_url), 400)).toContain('expired or was already used');
  });

  it('refuses a POST without the form\'s CSRF cookie, or from another site, with 403 (RFC 6749 §10.12)', async () => {
    const user = await createUser();
    const { reset_url } = await resetLink(user.sub);
    const browser = newBrowser();
    const form = parseForm(await (await visit(browser, reset_url)).text());
    const fields = { ...form.fields, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD };
    await errorPageOf(await postForm(newBrowser(), form.action, fields), 403);
    await errorPageOf(await postForm(browser, form.action, fields, { origin: 'https://evil.example' }), 403);
    expect((await postForm(browser, form.action, fields)).status).toBe(200); // the link was not spent by the refused posts
  });

  it('shows the form again with a message for mismatched or too short passwords, without spending the link', async () => {
    const user = await createUser();
    const { reset_url } = await resetLink(user.sub);
    const browser = newBrowser();
    const form = parseForm(await (await visit(browser, reset_url)).text());
    const mismatch = await postForm(browser, form.action, { ...form.fields, password: NEW_PASSWORD, password_confirm: 'something else' });
    expect(mismatch.status).toBe(400);
    expect(alertOfPage(await mismatch.text())).toBe('The two passwords are not the same.');
    const short = await postForm(browser, form.action, { ...form.fields, password: 'short', password_confirm: 'short' });
    expect(alertOfPage(await short.text())).toBe('Choose a password of 8 to 1024 characters.');
    expect((await postForm(browser, form.action, { ...form.fields, password: NEW_PASSWORD, password_confirm: NEW_PASSWORD })).status).toBe(200);
  });

  it('an unknown or malformed token is an error page, never a form', async () => {
    await errorPageOf(await visit(newBrowser(), '/password-reset?token=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), 400);
    await errorPageOf(await visit(newBrowser(), '/password-reset'), 400);
  });

  it('refuses expires_in out of bounds, an unknown sub, and a disabled account', async () => {
    const user = await createUser();
    for (const expires_in of [299, 86_401, 'soon']) {
      expect(await errorOf(await adminRequest('POST', `/users/${user.sub}/password-reset`, { expires_in }))).toMatchObject({ status: 400, error: 'invalid_request' });
    }
    expect(await errorOf(await adminRequest('POST', '/users/no-such-sub/password-reset'))).toMatchObject({ status: 404, error: 'not_found' });
    expect((await adminRequest('POST', `/users/${user.sub}/disable`)).status).toBe(200);
    expect(await errorOf(await adminRequest('POST', `/users/${user.sub}/password-reset`))).toMatchObject({ status: 400, error: 'invalid_request' });
  });
});
