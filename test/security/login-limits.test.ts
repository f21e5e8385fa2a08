import { describe, expect, it } from 'vitest';
import { getConfig } from '../../src/config';
import { authenticatePassword, loginAccountSubject } from '../../src/oauth/login';
import { DurableRateLimits } from '../../src/storage/do-rate-limits';
import { getServices } from '../../src/storage/services';
import { adminRequest, createUser, registerClient } from '../helpers/admin';
import { authorizeUrl, newBrowser, parseForm, postForm, pushRequest, visit, type TestBrowser } from '../helpers/interaction';
import { testEnv } from '../helpers/worker';

/**
 * Login throttling (issue 9 item 4; NIST SP 800-63B §5.2.2, RFC 9700 §4.5
 * on online guessing): every guess is counted before its password is checked,
 * per address, per account and address (strict) and per account (growing
 * delays, never a lockout a stranger can hand the owner).
 */
const REDIRECT = 'https://rp.example/cb';

async function loginForm(browser: TestBrowser = newBrowser()) {
  const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
  const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 's' });
  const page = await visit(browser, authorizeUrl({ client_id: reg.client_id, request_uri }));
  expect(page.status).toBe(200);
  return { browser, form: parseForm(await page.text()) };
}

async function guess(browser: TestBrowser, username: string, password: string): Promise<Response> {
  const { form } = await loginForm(browser);
  return postForm(browser, form.action, { ...form.fields, username, password });
}

const alertOf = (html: string) => /role="alert">([^<]*)</.exec(html)?.[1];

/** The wait the page must name for a Retry-After of `s` seconds: seconds under a minute, else minutes rounded up. */
const waitText = (s: number) => (s < 60 ? `${s} second${s === 1 ? '' : 's'}` : `${Math.ceil(s / 60)} minute${Math.ceil(s / 60) === 1 ? '' : 's'}`);

/** The count the account's limiter holds on one of its counters. */
async function countOf(username: string, key: (account: string) => string): Promise<number> {
  const subject = await loginAccountSubject(username);
  return new DurableRateLimits(testEnv.LIMITER, () => Math.floor(Date.now() / 1000)).count(subject, key(subject));
}

describe('login guesses are counted before they are checked (NIST SP 800-63B §5.2.2)', () => {
  it('a parallel burst of 30 wrong guesses gets at most LOGIN_FAILURES_PER_ACCOUNT_AND_IP password checks, and then the right password is refused (NIST SP 800-63B §5.2.2)', async () => {
    const user = await createUser();
    const browser = newBrowser();
    const { form } = await loginForm(browser);
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) =>
      postForm(browser, form.action, { ...form.fields, username: user.username, password: `wrong-${i}` })));
    const checked = burst.filter((r) => r.status === 400).length;
    expect(burst.every((r) => r.status === 400 || r.status === 429)).toBe(true);
    expect(checked).toBeLessThanOrEqual(5);
    expect(checked).toBeGreaterThan(0);
    // The limiter state agrees: exactly the checked guesses were counted for this address.
    expect(await countOf(user.username, (account) => `${account}|ip:${browser.ip}`)).toBe(checked);
    const right = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
    expect(right.status).toBe(429);
    expect(right.headers.get('location')).toBeNull();
  });

  it('a parallel burst of 29 wrong guesses and the right one gets at most LOGIN_FAILURES_PER_ACCOUNT_AND_IP password checks in all (NIST SP 800-63B §5.2.2)', async () => {
    const user = await createUser();
    const browser = newBrowser();
    const { form } = await loginForm(browser);
    const passwords = [...Array.from({ length: 29 }, (_, i) => `wrong-${i}`), user.password].sort(() => Math.random() - 0.5);
    const burst = await Promise.all(passwords.map((password) => postForm(browser, form.action, { ...form.fields, username: user.username, password })));
    const checked = burst.filter((r) => r.status === 400 || r.status === 303).length;
    expect(burst.every((r) => [303, 400, 429].includes(r.status))).toBe(true);
    expect(checked).toBeLessThanOrEqual(5);
  });
});

describe('a stranger cannot lock an account owner out (NIST SP 800-63B §5.2.2: throttling, not lockout)', () => {
  it('after five wrong guesses from a stranger, the owner at another address waits at most LOGIN_ACCOUNT_DELAY, not the window (NIST SP 800-63B §5.2.2)', async () => {
    const user = await createUser();
    const stranger = newBrowser();
    for (let i = 0; i < 5; i++) expect((await guess(stranger, user.username, `guess-${i}`)).status).toBe(400);
    const strangerAgain = await guess(stranger, user.username, user.password);
    expect(strangerAgain.status).toBe(429);
    expect(Number(strangerAgain.headers.get('retry-after'))).toBeGreaterThan(300);
    const owner = await guess(newBrowser(), user.username, user.password);
    expect(owner.status).toBe(429);
    const wait = Number(owner.headers.get('retry-after'));
    expect(wait).toBeGreaterThanOrEqual(1);
    expect(wait).toBeLessThanOrEqual(30);
  });

  it('the per-account delay doubles with each failure from any address, is capped by LOGIN_ACCOUNT_MAX_DELAY, and lets the owner in once waited (NIST SP 800-63B §5.2.2)', async () => {
    const user = await createUser();
    const services = getServices(testEnv);
    let t = Math.floor(Date.now() / 1000);
    const deps = { users: services.users, rateLimits: new DurableRateLimits(testEnv.LIMITER, () => t), config: getConfig(testEnv) };
    const from = (n: number) => `192.0.2.${n}-${crypto.randomUUID().slice(0, 6)}`;
    for (let i = 0; i < 5; i++) expect(await authenticatePassword(user.username, `g-${i}`, from(1), deps)).toEqual({ ok: false, reason: 'invalid' });
    const waits: number[] = [];
    for (let i = 0; i < 6; i++) {
      const refused = await authenticatePassword(user.username, 'x', from(10 + i), deps);
      expect(refused).toMatchObject({ ok: false, reason: 'throttled' });
      const wait = (refused as { retry_after: number }).retry_after;
      waits.push(wait);
      t += wait;
      expect(await authenticatePassword(user.username, `late-${i}`, from(20 + i), deps)).toEqual({ ok: false, reason: 'invalid' });
    }
    expect(waits).toEqual([30, 60, 120, 240, 300, 300]);
    const owner = await authenticatePassword(user.username, user.password, from(99), deps);
    expect(owner).toMatchObject({ ok: false, reason: 'throttled', retry_after: 300 });
    t += 300;
    expect(await authenticatePassword(user.username, user.password, from(99), deps)).toMatchObject({ ok: true, user: { sub: user.sub } });
    expect(await authenticatePassword(user.username, 'after success', from(98), deps)).toEqual({ ok: false, reason: 'invalid' });
  });

  it('the throttled page names the same wait as Retry-After (RFC 9110 §10.2.3)', async () => {
    const user = await createUser();
    const stranger = newBrowser();
    for (let i = 0; i < 5; i++) await guess(stranger, user.username, `guess-${i}`);
    for (const res of [await guess(stranger, user.username, 'again'), await guess(newBrowser(), user.username, user.password)]) {
      expect(res.status).toBe(429);
      const wait = Number(res.headers.get('retry-after'));
      expect(alertOf(await res.text())).toBe(`Too many sign-in attempts. Try again in ${waitText(wait)}.`);
    }
  });

  it('POST /admin/users/{sub}/unlock clears the account counters: the owner gets in at once, even from the throttled address (NIST SP 800-63B §5.2.2)', async () => {
    const user = await createUser();
    const shared = newBrowser();
    for (let i = 0; i < 5; i++) await guess(shared, user.username, `guess-${i}`);
    expect((await guess(shared, user.username, user.password)).status).toBe(429);
    expect((await adminRequest('POST', `/users/${user.sub}/unlock`)).status).toBe(204);
    const res = await guess(shared, user.username, user.password);
    expect(res.status).toBe(303);
    expect(await countOf(user.username, (account) => account)).toBe(0);
  });

  it('the unlock answers 404 not_found for an unknown sub and 401 without the admin token (DESIGN.md contract 2)', async () => {
    const unknown = await adminRequest('POST', `/users/nobody-${crypto.randomUUID()}/unlock`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: 'not_found' });
    const user = await createUser();
    expect((await adminRequest('POST', `/users/${user.sub}/unlock`, undefined, 'wrong-token')).status).toBe(401);
  });
});
