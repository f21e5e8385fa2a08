/* global window, document -- page.evaluate / waitForFunction callbacks run in the browser */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, adminPost, CHROMIUM_ARGS } from './wrangler-dev.mjs';

/**
 * Logout in a real browser: Front-Channel Logout 1.0 §3 (the RP's iframe is
 * loaded by the logout page) and Session Management 1.0 §3.2/§4 (an RP page on
 * a second local origin frames the OP's check_session_iframe and hears
 * `unchanged`, then `changed` after logout). The RP is http://localhost:<port>:
 * another origin than the OP, but the same site, which is where session
 * management still works now that browsers block third-party cookies (README).
 */
const ADMIN_TOKEN = `browser-${randomBytes(12).toString('hex')}`;
const SHOTS = 'test-results/browser';

let worker;
let rpServer;
let profile;
let context;

const admin = (path, body) => adminPost(worker, ADMIN_TOKEN, path, body);

const basic = (client) => `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`;

async function post(path, client, params) {
  const res = await fetch(`${worker.issuer}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client) },
    body: new URLSearchParams(params),
  });
  return { status: res.status, body: await res.json() };
}

/** The RP page that frames the OP's check_session_iframe and posts `client_id session_state` to it (Session Management §4.1). */
function checkPage(issuer, clientId, sessionState) {
  return `<!doctype html><title>RP</title><h1>RP</h1>
<iframe id="op" src="${issuer}/session/check"></iframe>
<script>
window.answers = [];
window.addEventListener('message', function (e) { if (e.origin === ${JSON.stringify(issuer)}) window.answers.push(e.data); });
document.getElementById('op').addEventListener('load', function () {
  document.getElementById('op').contentWindow.postMessage(${JSON.stringify(`${clientId} ${sessionState}`)}, ${JSON.stringify(issuer)});
});
</script>`;
}

/** The RP: /cb (authorization response), /fc (front-channel logout URI), /check (session iframe host), /bye (post-logout). */
function startRp() {
  const hits = [];
  const state = { clientId: '', sessionState: '' };
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://localhost');
    hits.push({ path: url.pathname, params: Object.fromEntries(url.searchParams), method: req.method, at: Date.now() });
    if (req.method === 'POST' && url.pathname.startsWith('/bc/')) {
      // Back-channel logout URI: /bc/ok answers 200, /bc/fail-twice 500 twice and then 200.
      const earlier = hits.filter((h) => h.path === url.pathname).length - 1;
      const status = url.pathname.startsWith('/bc/fail-twice') && earlier < 2 ? 500 : 200;
      hits.at(-1).status = status;
      req.resume();
      req.on('end', () => res.writeHead(status).end());
      return;
    }
    if (url.pathname === '/check') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(checkPage(worker.issuer, state.clientId, state.sessionState));
      return;
    }
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(`<!doctype html><title>RP ${url.pathname}</title><h1>${url.pathname}</h1>`);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, hits, state, base: `http://localhost:${server.address().port}` })));
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  worker = await startWorker({ adminToken: ADMIN_TOKEN });
  rpServer = await startRp();
  profile = await mkdtemp(join(tmpdir(), 'portcullis-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS, viewport: { width: 1280, height: 800 },
  });
});

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await new Promise((resolve) => (rpServer ? rpServer.server.close(resolve) : resolve()));
  await worker?.stop();
});

async function answers(page, count) {
  await page.waitForFunction((n) => window.answers.length >= n, count, { timeout: 10_000 });
  return page.evaluate(() => window.answers);
}

describe('logout in Chromium', () => {
  it('oidcc-frontchannel-rp-initiated-logout and oidcc-session-management-rp-initiated-logout: the RP frame loads, check_session turns from unchanged to changed', async () => {
    const rp = rpServer.base;
    const client = await admin('/clients', {
      client_name: 'Loopback RP', redirect_uris: [`${rp}/cb`], post_logout_redirect_uris: [`${rp}/bye`], token_endpoint_auth_method: 'client_secret_basic',
      scope: 'openid profile', frontchannel_logout_uri: `${rp}/fc`, frontchannel_logout_session_required: true,
    });
    const user = await admin('/users', { username: 'grace', password: 'correct horse battery staple', claims: {} });
    const verifier = randomBytes(32).toString('base64url');
    const pushed = await post('/par', client, {
      response_type: 'code', redirect_uri: `${rp}/cb`, scope: 'openid profile', state: 's1',
      code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
    });
    expect(pushed.status).toBe(201);

    const page = await context.newPage();
    await page.goto(`${worker.issuer}/authorize?client_id=${encodeURIComponent(client.client_id)}&request_uri=${encodeURIComponent(pushed.body.request_uri)}`);
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill('correct horse battery staple');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    await Promise.all([page.waitForURL(`${rp}/cb?**`), page.getByRole('button', { name: 'Allow' }).click()]);
    const callback = new URL(page.url());
    const sessionState = callback.searchParams.get('session_state');
    expect(sessionState).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]+$/);
    const tokens = await post('/token', client, { grant_type: 'authorization_code', code: callback.searchParams.get('code'), redirect_uri: `${rp}/cb`, code_verifier: verifier });
    expect(tokens.status).toBe(200);
    const sid = JSON.parse(Buffer.from(tokens.body.id_token.split('.')[1], 'base64url').toString()).sid;

    // Session Management §4.1: the RP frames check_session and asks; while signed in the answer is `unchanged`.
    Object.assign(rpServer.state, { clientId: client.client_id, sessionState });
    const checker = await context.newPage();
    await checker.goto(`${rp}/check`);
    expect(await answers(checker, 1)).toEqual(['unchanged']);

    // A wrong session_state is `changed`; a malformed message is `error` (§4.1).
    await checker.evaluate(([state, issuer]) => document.getElementById('op').contentWindow.postMessage(state, issuer), [`${client.client_id} ${'A'.repeat(43)}.x`, worker.issuer]);
    await checker.evaluate((issuer) => document.getElementById('op').contentWindow.postMessage('garbage', issuer), worker.issuer);
    expect(await answers(checker, 3)).toEqual(['unchanged', 'changed', 'error']);

    // RP-Initiated Logout with Front-Channel Logout: the logout page loads the RP's frame (iss, sid), then continues to /bye.
    const violations = [];
    page.on('console', (msg) => {
      if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
    });
    await Promise.all([
      page.waitForURL(`${rp}/bye?state=out`, { timeout: 15_000 }),
      page.goto(`${worker.issuer}/logout?id_token_hint=${tokens.body.id_token}&post_logout_redirect_uri=${encodeURIComponent(`${rp}/bye`)}&state=out`),
    ]);
    const fc = rpServer.hits.find((h) => h.path === '/fc');
    expect(fc?.params).toEqual({ iss: worker.issuer, sid });
    expect(violations).toEqual([]);

    // The browser state changed: the same session_state is now `changed` (§3).
    await checker.goto(`${rp}/check`);
    expect(await answers(checker, 1)).toEqual(['changed']);
    await checker.screenshot({ path: `${SHOTS}/check-session-changed.png` });
    await checker.close();
    await page.close();
  });

  it('back-channel logout under wrangler dev (as `npm start` runs it): one delivery per RP, a failing RP retried until it accepts (Back-Channel Logout §2.5, §2.8)', async () => {
    const rp = rpServer.base;
    const bc = (mode) => `http://127.0.0.1:${new URL(rp).port}/bc/${mode}`;
    const clients = await Promise.all(['ok', 'fail-twice'].map((mode) => admin('/clients', {
      redirect_uris: [`${rp}/cb`], token_endpoint_auth_method: 'client_secret_basic', scope: 'openid', backchannel_logout_uri: bc(mode),
    })));
    const page = await context.newPage();
    let idToken;
    for (const client of clients) {
      const verifier = randomBytes(32).toString('base64url');
      const pushed = await post('/par', client, {
        response_type: 'code', redirect_uri: `${rp}/cb`, scope: 'openid', code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
      });
      await page.goto(`${worker.issuer}/authorize?client_id=${encodeURIComponent(client.client_id)}&request_uri=${encodeURIComponent(pushed.body.request_uri)}`);
      if (await page.getByLabel('Username').isVisible()) {
        await page.getByLabel('Username').fill('grace');
        await page.getByLabel('Password').fill('correct horse battery staple');
        await page.getByRole('button', { name: 'Sign in' }).click();
      }
      await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
      await Promise.all([page.waitForURL(`${rp}/cb?**`), page.getByRole('button', { name: 'Allow' }).click()]);
      const code = new URL(page.url()).searchParams.get('code');
      idToken = (await post('/token', client, { grant_type: 'authorization_code', code, redirect_uri: `${rp}/cb`, code_verifier: verifier })).body.id_token;
    }
    const started = Date.now();
    await page.goto(`${worker.issuer}/logout?id_token_hint=${idToken}`);
    const answered = Date.now();
    await page.getByRole('heading', { name: 'You are signed out' }).waitFor();
    const until = Date.now() + 90_000;
    const posts = (path) => rpServer.hits.filter((h) => h.method === 'POST' && h.path === path);
    while (Date.now() < until && !(posts('/bc/ok').length && posts('/bc/fail-twice').some((h) => h.status === 200))) await new Promise((r) => setTimeout(r, 100));
    expect(posts('/bc/ok').map((h) => h.status)).toEqual([200]);
    expect(posts('/bc/fail-twice').map((h) => h.status)).toEqual([500, 500, 200]);
    console.log(`[measure] wrangler dev: logout answered in ${answered - started} ms; healthy RP received its logout token +${posts('/bc/ok')[0].at - answered} ms after; `
      + `fail-twice RP attempts at +${posts('/bc/fail-twice').map((h) => h.at - answered).join(' ms, +')} ms (BACKCHANNEL_RETRY_DELAY 5 s, doubling)`);
    await page.close();
  });

  it('without a session, a logout without a hint shows the signed-out page at once (RP-Initiated Logout §3)', async () => {
    const page = await context.newPage();
    await page.goto(`${worker.issuer}/logout`);
    await page.screenshot({ path: `${SHOTS}/logout-signed-out.png`, fullPage: true });
    // No session left in this browser (previous test): nothing to confirm, the signed-out page at once.
    await expect(page.getByRole('heading', { name: 'You are signed out' }).isVisible()).resolves.toBe(true);
    await page.close();
  });
});
