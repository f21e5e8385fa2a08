/* global window -- read inside page.evaluate, in the browser */
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker, adminPost, CHROMIUM_ARGS } from './wrangler-dev.mjs';

/**
 * A single-page application in Chromium (OAuth 2.0 for Browser-Based
 * Applications, draft-ietf-oauth-browser-based-apps §6.3 "browser-based OAuth
 * client"; issue 11): a page served from a second local origin runs
 * oauth4webapi itself and calls the provider cross-origin under the Fetch
 * standard's CORS protocol (§3.2). The same page on a third, unregistered
 * origin is refused by the browser.
 */
const ADMIN_TOKEN = `spa-${randomBytes(12).toString('hex')}`;
const PASSWORD = 'correct horse battery staple';

let worker;
let registered;
let unregistered;
let client;
let user;
let profile;
let context;

const admin = (path, body) => adminPost(worker, ADMIN_TOKEN, path, body);

/** Serves the SPA: its page on `/` and `/cb`, its script and oauth4webapi as ES modules. `config()` is read per request. */
async function startSpaServer(config) {
  const files = {
    '/app.mjs': await readFile(new URL('./spa/app.mjs', import.meta.url)),
    '/oauth4webapi.js': await readFile(new URL('../../node_modules/oauth4webapi/build/index.js', import.meta.url)),
  };
  const server = createServer((req, res) => {
    const { pathname } = new URL(req.url, 'http://127.0.0.1');
    if (files[pathname]) return res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' }).end(files[pathname]);
    if (pathname !== '/' && pathname !== '/cb') return res.writeHead(404).end();
    const json = JSON.stringify(config()).replace(/</g, '\\u003c');
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(
      `<!doctype html><title>SPA</title><script type="application/json" id="config">${json}</script><script type="module" src="/app.mjs"></script><h1>SPA</h1>`,
    );
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}

const spaConfig = () => ({ issuer: worker.issuer, client_id: client.client_id, redirect_uri: `${registered.origin}/cb` });

beforeAll(async () => {
  worker = await startWorker({ adminToken: ADMIN_TOKEN });
  registered = await startSpaServer(spaConfig);
  unregistered = await startSpaServer(spaConfig);
  // A public client registered with the SPA's origin through its redirect URI (RFC 8252 §7.3 loopback, PKCE required).
  client = await admin('/clients', {
    client_name: 'Acme SPA', token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: [`${registered.origin}/cb`], scope: 'openid profile offline_access',
  });
  user = await admin('/users', { username: 'grace', password: PASSWORD, claims: { name: 'Grace Hopper' } });
  profile = await mkdtemp(join(tmpdir(), 'portcullis-spa-'));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium', headless: true, args: CHROMIUM_ARGS,
  });
});

afterAll(async () => {
  await context?.close();
  if (profile) await rm(profile, { recursive: true, force: true });
  for (const spa of [registered, unregistered]) if (spa) await new Promise((resolve) => spa.server.close(resolve));
  await worker?.stop();
});

/** Runs the flow from the SPA's page: start in the page, sign in (first time) and consent on the provider, finish in the page. */
async function runFlow(usePar) {
  const page = await context.newPage();
  await page.goto(`${registered.origin}/`);
  await page.waitForFunction(() => window.spa);
  const authorizeUrl = await page.evaluate((par) => window.spa.start(par), usePar);
  expect(new URL(authorizeUrl).searchParams.has('request_uri')).toBe(usePar);
  await page.goto(authorizeUrl);
  const signIn = page.getByRole('heading', { name: 'Sign in' });
  const consent = page.getByRole('heading', { name: 'Allow access?' });
  await signIn.or(consent).waitFor();
  if (await signIn.isVisible()) {
    await page.getByLabel('Username').fill('grace');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await consent.waitFor();
  }
  await Promise.all([page.waitForURL(`${registered.origin}/cb?**`), page.getByRole('button', { name: 'Allow' }).click()]);
  await page.waitForFunction(() => window.spa);
  const result = await page.evaluate(() => window.spa.result);
  await page.close();
  return result;
}

describe('a browser-based app (SPA) with oauth4webapi in Chromium', () => {
  for (const usePar of [true, false]) {
    it(`completes the code flow with PKCE ${usePar ? 'through PAR' : 'without PAR'}, then UserInfo, a rotated refresh and revocation, all cross-origin (RFC 6749 §4.1, RFC 7636, ${usePar ? 'RFC 9126, ' : ''}RFC 7009)`, async () => {
      expect(await runFlow(usePar)).toEqual({
        iss: worker.issuer, sub: user.sub, name: 'Grace Hopper', token_type: 'bearer',
        rotated: true, refreshed_access_token: true, afterRevocation: 'invalid_grant',
      });
    });
  }

  it('reads PAR and token endpoint errors from its registered origin (Fetch §3.2.3)', async () => {
    const page = await context.newPage();
    await page.goto(`${registered.origin}/`);
    await page.waitForFunction(() => window.spa);
    expect(await page.evaluate(() => window.spa.probe())).toEqual({ discovery: worker.issuer, par: 201, token: { status: 400, error: 'invalid_grant' } });
    await page.close();
  });

  it('is refused by the browser on an unregistered origin: PAR and token calls fail as CORS errors, nothing readable (Fetch §3.2.3, issue 11)', async () => {
    const page = await context.newPage();
    const blocked = [];
    page.on('console', (msg) => {
      if (/blocked by CORS policy/.test(msg.text())) blocked.push(msg.text());
    });
    await page.goto(`${unregistered.origin}/`);
    await page.waitForFunction(() => window.spa);
    expect(await page.evaluate(() => window.spa.probe())).toEqual({ discovery: worker.issuer, par: 'TypeError: Failed to fetch', token: 'TypeError: Failed to fetch' });
    expect(blocked.some((m) => m.includes(`${worker.issuer}/par`) && m.includes(`'${unregistered.origin}'`))).toBe(true);
    expect(blocked.some((m) => m.includes(`${worker.issuer}/token`))).toBe(true);
    await page.close();
  });
});
