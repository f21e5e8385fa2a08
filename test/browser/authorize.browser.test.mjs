import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, adminPost, CHROMIUM_ARGS } from './wrangler-dev.mjs';

/**
 * The authorization code flow in a real browser (RFC 6749 §4.1, RFC 9126 §4,
 * RFC 9207 §2): headless Chromium against `wrangler dev`, a loopback client
 * (RFC 8252 §7.3) served by a tiny Node server, screenshots of each page.
 */
const ADMIN_TOKEN = `browser-${randomBytes(12).toString('hex')}`;
const SHOTS = 'test-results/browser';

let worker;
let callbacks;
let rp;
let profile;
let context;

const b64url = (buf) => buf.toString('base64url');

const admin = (path, body) => adminPost(worker, ADMIN_TOKEN, path, body);

async function push(client, params) {
  const res = await fetch(`${worker.issuer}/par`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      authorization: `Basic ${Buffer.from(`${encodeURIComponent(client.client_id)}:${encodeURIComponent(client.client_secret)}`).toString('base64')}`,
    },
    body: new URLSearchParams(params),
  });
  if (res.status !== 201) throw new Error(`PAR: ${res.status} ${await res.text()}`);
  return (await res.json()).request_uri;
}

/** A loopback redirect_uri that records what reaches it, by GET (query) or POST (form_post). */
function startCallbackServer() {
  const received = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      const url = new URL(req.url, 'http://127.0.0.1');
      received.push({ method: req.method, path: url.pathname, params: req.method === 'POST' ? new URLSearchParams(body) : url.searchParams });
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<!doctype html><title>Client</title><h1>Signed in</h1>');
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, received, port: server.address().port })));
}

beforeAll(async () => {
  await mkdir(SHOTS, { recursive: true });
  worker = await startWorker({ adminToken: ADMIN_TOKEN });
  callbacks = await startCallbackServer();
  const redirect_uri = `http://127.0.0.1:${callbacks.port}/cb`;
  const client = await admin('/clients', {
    client_name: 'Acme Travel', redirect_uris: [redirect_uri], token_endpoint_auth_method: 'client_secret_basic', scope: 'openid profile email offline_access',
  });
  const user = await admin('/users', { username: 'ada', password: 'correct horse battery staple', claims: { name: 'Ada Lovelace' } });
  rp = { client, user, redirect_uri, password: 'correct horse battery staple' };
  profile = await mkdtemp(join(tmpdir(), 'portcullis-chromium-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 800 },
  });
});

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  await new Promise((resolve) => (callbacks ? callbacks.server.close(resolve) : resolve()));
  await worker?.stop();
});

function watchCsp(page) {
  const violations = [];
  page.on('console', (msg) => {
    if (/Content Security Policy|Refused to/i.test(msg.text())) violations.push(msg.text());
  });
  return violations;
}

describe('authorization code flow in Chromium', () => {
  it('signs in, consents and returns code and iss to a loopback client (RFC 6749 §4.1.2, RFC 9207 §2, RFC 8252 §7.3)', async () => {
    const verifier = b64url(randomBytes(32));
    const challenge = b64url(createHash('sha256').update(verifier).digest());
    const state = b64url(randomBytes(16));
    const request_uri = await push(rp.client, {
      response_type: 'code', redirect_uri: rp.redirect_uri, scope: 'openid profile email', state, nonce: 'n', code_challenge: challenge, code_challenge_method: 'S256',
    });
    const page = await context.newPage();
    const violations = watchCsp(page);
    await page.goto(`${worker.issuer}/authorize?client_id=${encodeURIComponent(rp.client.client_id)}&request_uri=${encodeURIComponent(request_uri)}`);
    await expect(page.getByRole('heading', { name: 'Sign in' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${SHOTS}/login.png`, fullPage: true });

    await page.getByLabel('Username').fill(rp.user.username);
    await page.getByLabel('Password').fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    await page.screenshot({ path: `${SHOTS}/login-error.png`, fullPage: true });

    await page.getByLabel('Password').fill(rp.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Allow access?' }).waitFor();
    await page.screenshot({ path: `${SHOTS}/consent.png`, fullPage: true });

    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: `${SHOTS}/consent-mobile.png`, fullPage: true });
    await page.setViewportSize({ width: 1280, height: 800 });

    await Promise.all([page.waitForURL(`${rp.redirect_uri}?**`), page.getByRole('button', { name: 'Allow' }).click()]);
    const url = new URL(page.url());
    expect(url.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(url.searchParams.get('iss')).toBe(worker.issuer);
    expect(url.searchParams.get('state')).toBe(state);
    // The callback server saw the same response (browsers also ask it for /favicon.ico).
    const last = callbacks.received.filter((r) => r.path === '/cb').at(-1);
    expect(last.method).toBe('GET');
    expect(last.params.get('code')).toBe(url.searchParams.get('code'));
    expect(violations).toEqual([]);
    await page.close();
  });

  it('answers form_post with an auto-submitting form that runs under the CSP nonce (Form Post Response Mode §2)', async () => {
    const state = b64url(randomBytes(16));
    const request_uri = await push(rp.client, {
      response_type: 'code', redirect_uri: rp.redirect_uri, scope: 'openid profile email', state, response_mode: 'form_post',
      code_challenge: b64url(createHash('sha256').update('v'.repeat(43)).digest()), code_challenge_method: 'S256',
    });
    const page = await context.newPage();
    const violations = watchCsp(page);
    const before = callbacks.received.length;
    // Signed in with consent remembered (first test): /authorize answers with the form_post page at once.
    await page.goto(`${worker.issuer}/authorize?client_id=${encodeURIComponent(rp.client.client_id)}&request_uri=${encodeURIComponent(request_uri)}`);
    await page.waitForURL(rp.redirect_uri);
    const post = callbacks.received.slice(before).find((r) => r.method === 'POST' && r.path === '/cb');
    expect(post.params.get('code')).toBeTruthy();
    expect(post.params.get('iss')).toBe(worker.issuer);
    expect(post.params.get('state')).toBe(state);
    expect(violations).toEqual([]);
    await page.close();
  });

  it('speaks Danish for ui_locales=da from login to consent, and Cancel returns access_denied to the client (OIDC Core §3.1.2.1, RFC 6749 §4.1.2.1)', async () => {
    const state = b64url(randomBytes(16));
    // prompt=login consent: the session and consent of the first test must not skip the pages (OIDC Core §3.1.2.1).
    const request_uri = await push(rp.client, {
      response_type: 'code', redirect_uri: rp.redirect_uri, scope: 'openid profile', state, ui_locales: 'da', prompt: 'login consent',
      code_challenge: b64url(createHash('sha256').update('w'.repeat(43)).digest()), code_challenge_method: 'S256',
    });
    const page = await context.newPage();
    const violations = watchCsp(page);
    await page.goto(`${worker.issuer}/authorize?client_id=${encodeURIComponent(rp.client.client_id)}&request_uri=${encodeURIComponent(request_uri)}`);
    await page.getByRole('heading', { name: 'Log ind' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('da');
    await page.screenshot({ path: `${SHOTS}/login-da.png`, fullPage: true });

    await page.getByLabel('Brugernavn').fill(rp.user.username);
    await page.getByLabel('Adgangskode').fill(rp.password);
    await page.getByRole('button', { name: 'Log ind' }).click();
    await page.getByRole('heading', { name: 'Vil du give adgang?' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('da');
    await page.screenshot({ path: `${SHOTS}/consent-da.png`, fullPage: true });

    await Promise.all([page.waitForURL(`${rp.redirect_uri}?**`), page.getByRole('button', { name: 'Annuller og vend tilbage til applikationen' }).click()]);
    const url = new URL(page.url());
    expect(url.searchParams.get('error')).toBe('access_denied');
    expect(url.searchParams.get('state')).toBe(state);
    expect(url.searchParams.get('iss')).toBe(worker.issuer);
    expect(url.searchParams.get('code')).toBeNull();
    expect(violations).toEqual([]);
    await page.close();
  });

  it('shows a readable error page, not a redirect, for an unknown request_uri (RFC 9126 §4)', async () => {
    const page = await context.newPage();
    const res = await page.goto(`${worker.issuer}/authorize?client_id=${encodeURIComponent(rp.client.client_id)}&request_uri=urn:ietf:params:oauth:request_uri:${'A'.repeat(43)}`);
    expect(res.status()).toBe(400);
    expect(new URL(page.url()).origin).toBe(worker.issuer);
    await page.screenshot({ path: `${SHOTS}/error.png`, fullPage: true });
    await page.close();
  });
});
