import { describe, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import { createApp } from '../../src/app';
import { hashPassword } from '../../src/crypto/password';
import { getServices } from '../../src/storage/services';
import type { StoredClient } from '../../src/oauth/types';
import type { User } from '../../src/storage/ports';
import { registerClient } from '../../test/helpers/admin';
import { basic, ISSUER, testEnv } from '../../test/helpers/worker';
import { stubStorage } from './memory-ports';

/**
 * Protocol CPU of one whole login (issue 13), in-process with storage stubbed
 * (bench/in-process/memory-ports.ts): PAR → /authorize → login → consent →
 * code → /token → /userinfo → refresh → logout through `createApp().fetch`,
 * with the password hashed at 1 PBKDF2 iteration so the hash (18–20 ms,
 * `npm run bench:hotpaths`) is left out. Measurement only: it prints
 * `whole-login-json {…}` for bench/run.mjs and asserts nothing.
 */
/** PERF_FULL: 'true' = 7 batches of 100 logins, 'quick' (BENCH_QUICK=1 npm run bench) = 3 of 30, otherwise a smoke run. */
const MODE = (testEnv as unknown as { PERF_FULL?: string }).PERF_FULL;
const REDIRECT = 'https://rp.example/cb';
const app = createApp();
const env = { ...testEnv, PAR_RATE_LIMIT: undefined } as typeof testEnv;

type Step = 'par' | 'authorize' | 'login' | 'consent' | 'token' | 'userinfo' | 'refresh' | 'logout';
const STEPS: Step[] = ['par', 'authorize', 'login', 'consent', 'token', 'userinfo', 'refresh', 'logout'];

/** One user agent over `app.fetch`: a cookie jar and the form on the last page. */
class Agent {
  jar = new Map<string, string>();
  async fetch(url: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.jar.size) headers.set('cookie', [...this.jar].map(([k, v]) => `${k}=${v}`).join('; '));
    headers.set('cf-connecting-ip', '192.0.2.1');
    const res = await app.fetch(new Request(new URL(url, ISSUER), { ...init, headers, redirect: 'manual' }), env);
    for (const line of (res.headers as unknown as { getSetCookie(): string[] }).getSetCookie()) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      if (/max-age=0/i.test(line)) this.jar.delete(pair!.slice(0, eq));
      else this.jar.set(pair!.slice(0, eq), pair!.slice(eq + 1));
    }
    return res;
  }
}

/** The one form of an HTML page, filled: hidden inputs kept, credentials set, `decision` as given. */
function formOf(html: string, fill: Record<string, string>): { action: string; body: string } {
  const form = /<form\b[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/i.exec(html);
  if (!form) throw new Error(`no form: ${html.slice(0, 200)}`);
  const fields = new URLSearchParams();
  for (const [tag] of form[2]!.matchAll(/<input\b[^>]*>/gi)) {
    const name = /name="([^"]*)"/.exec(tag)?.[1];
    if (name) fields.set(name, (/value="([^"]*)"/.exec(tag)?.[1] ?? '').replace(/&amp;/g, '&'));
  }
  for (const [k, v] of Object.entries(fill)) fields.set(k, v);
  return { action: form[1]!.replace(/&amp;/g, '&'), body: fields.toString() };
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
const expectStatus = async (res: Response, status: number, step: string) => {
  if (res.status !== status) throw new Error(`${step}: ${res.status} ${(await res.text()).slice(0, 300)}`);
};

/** One whole login; adds each step's wall time (ms) to `times`. */
async function login(client: { id: string; auth: string }, user: { username: string; password: string }, times: Record<Step, number>) {
  const agent = new Agent();
  const verifier = oauth.generateRandomCodeVerifier();
  const challenge = await oauth.calculatePKCECodeChallenge(verifier);
  let t = performance.now();
  const lap = (step: Step) => {
    const now = performance.now();
    times[step] += now - t;
    t = now;
  };
  const par = await agent.fetch('/par', { method: 'POST', headers: { ...FORM, authorization: client.auth }, body: new URLSearchParams({
    response_type: 'code', client_id: client.id, redirect_uri: REDIRECT, scope: 'openid profile email offline_access', state: 's', nonce: 'n',
    code_challenge: challenge, code_challenge_method: 'S256', prompt: 'consent',
  }) });
  await expectStatus(par.clone(), 201, 'par');
  const { request_uri } = (await par.json()) as { request_uri: string };
  lap('par');
  let res = await agent.fetch(`/authorize?${new URLSearchParams({ client_id: client.id, request_uri })}`);
  while (res.status === 302 || res.status === 303) res = await agent.fetch(res.headers.get('location')!);
  await expectStatus(res.clone(), 200, 'authorize');
  const loginForm = formOf(await res.text(), { username: user.username, password: user.password });
  lap('authorize');
  res = await agent.fetch(loginForm.action, { method: 'POST', headers: FORM, body: loginForm.body });
  while (res.status === 302 || res.status === 303) res = await agent.fetch(res.headers.get('location')!);
  await expectStatus(res.clone(), 200, 'login');
  const consentForm = formOf(await res.text(), { decision: 'allow' });
  lap('login');
  res = await agent.fetch(consentForm.action, { method: 'POST', headers: FORM, body: consentForm.body });
  let location = new URL(res.headers.get('location') ?? '', ISSUER);
  while (!location.href.startsWith(REDIRECT)) {
    res = await agent.fetch(location.href);
    location = new URL(res.headers.get('location') ?? '', ISSUER);
  }
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`consent: ${res.status} ${location.search}`);
  lap('consent');
  res = await agent.fetch('/token', { method: 'POST', headers: { ...FORM, authorization: client.auth }, body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }) });
  await expectStatus(res.clone(), 200, 'token');
  const tokens = (await res.json()) as { access_token: string; refresh_token: string; id_token: string };
  lap('token');
  await expectStatus(await agent.fetch('/userinfo', { headers: { authorization: `Bearer ${tokens.access_token}` } }), 200, 'userinfo');
  lap('userinfo');
  res = await agent.fetch('/token', { method: 'POST', headers: { ...FORM, authorization: client.auth }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }) });
  await expectStatus(res, 200, 'refresh');
  lap('refresh');
  res = await agent.fetch(`/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: REDIRECT, client_id: client.id })}`);
  if (res.status === 200) {
    const confirm = formOf(await res.text(), { decision: 'logout' });
    res = await agent.fetch(confirm.action, { method: 'POST', headers: FORM, body: confirm.body });
  }
  if (res.status !== 302 && res.status !== 303) await expectStatus(res, 303, 'logout');
  lap('logout');
}

describe('whole login, protocol CPU (measurement only)', () => {
  it('times PAR → authorize → login → consent → token → userinfo → refresh → logout with storage stubbed', { timeout: 600_000 }, async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], post_logout_redirect_uris: [REDIRECT] });
    const services = getServices(env);
    const stored = (await services.clients.get(reg.client_id)) as StoredClient;
    await services.keys.ring();
    const password = 'whole-login-password';
    const user = { sub: 'whole-login-user', username: 'whole-login-user', claims: { name: 'Bench User', email: 'bench@example.com' }, created_at: 0, ...(await hashPassword(password, 1)) } as unknown as User;
    stubStorage(services, [stored], [user]);
    const client = { id: reg.client_id, auth: basic(reg.client_id, reg.client_secret!) };
    const n = MODE === 'true' ? 100 : MODE === 'quick' ? 30 : 5;
    const rounds = MODE === 'true' ? 7 : MODE === 'quick' ? 3 : 1;
    for (let i = 0; i < 10; i++) await login(client, { username: user.username, password }, Object.fromEntries(STEPS.map((s) => [s, 0])) as Record<Step, number>);
    const batches: Array<{ total: number; steps: Record<Step, number> }> = [];
    for (let r = 0; r < rounds; r++) {
      const times = Object.fromEntries(STEPS.map((s) => [s, 0])) as Record<Step, number>;
      const start = performance.now();
      for (let i = 0; i < n; i++) await login(client, { username: user.username, password }, times);
      batches.push({ total: (performance.now() - start) / n, steps: Object.fromEntries(STEPS.map((s) => [s, times[s] / n])) as Record<Step, number> });
    }
    batches.sort((a, b) => a.total - b.total);
    const median = batches[Math.floor(batches.length / 2)]!;
    const out = { n, rounds, median_ms: median.total, min_ms: batches[0]!.total, steps_ms: median.steps, password_hash: 'PBKDF2 at 1 iteration (hash left out)' };
    console.log(`whole-login-json ${JSON.stringify(out)}`);
    console.log(`perf whole login (8 steps), storage stubbed: median ${median.total.toFixed(3)} ms (min ${batches[0]!.total.toFixed(3)}) over ${rounds} batches of ${n}`);
    for (const s of STEPS) console.log(`perf   ${s.padEnd(10)} ${median.steps[s].toFixed(3)} ms`);
  });
});
