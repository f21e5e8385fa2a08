// Protocol CPU of one whole login (issue 13): PAR → /authorize → login →
// consent → /token → /userinfo → refresh → logout, without the password hash.
// Portcullis: bench/in-process/whole-login.test.ts inside workerd with storage
// stubbed (run through vitest, its `whole-login-json` line parsed here).
// oidc-provider: the same flow against bench/peer/server.mjs (in-memory
// adapter, devInteractions: no password hash), its process CPU from /proc,
// minus the node:http floor's CPU for the same number of requests.
import { spawnSync } from 'node:child_process';
import { fillForm, FlowAgent } from './flow.mjs';
import { cpuOf, kill, spawnServer } from './proc.mjs';
import { REDIRECT_URI } from './targets.mjs';

/** Runs the in-process measurement; `full` = 7 batches of 100 logins, otherwise 3 of 30. */
export function oursInProcess({ full }) {
  const run = spawnSync('npx', ['vitest', 'run', '--config', 'bench/vitest.config.ts', 'bench/in-process/whole-login', '--silent=false'], {
    encoding: 'utf8', timeout: 600_000, env: { ...process.env, PERF_FULL: full ? 'true' : 'quick' },
  });
  const line = `${run.stdout}`.split('\n').find((l) => l.includes('whole-login-json '));
  if (!line) throw new Error(`whole-login measurement printed nothing: ${`${run.stdout}${run.stderr}`.slice(-600)}`);
  return JSON.parse(line.slice(line.indexOf('whole-login-json ') + 'whole-login-json '.length));
}

/** A FlowAgent that also does the steps after the code: userinfo, refresh, logout. */
class WholeLoginAgent extends FlowAgent {
  async login() {
    const { t } = this;
    const tokens = await this.tokens();
    const userinfo = await fetch(t.meta.userinfo_endpoint, { headers: { authorization: `Bearer ${tokens.access_token}` } });
    if (userinfo.status !== 200) throw new Error(`userinfo answered ${userinfo.status}`);
    await userinfo.arrayBuffer();
    const refreshed = await fetch(t.meta.token_endpoint, {
      method: 'POST', headers: { authorization: t.basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }),
    });
    if (refreshed.status !== 200) throw new Error(`refresh answered ${refreshed.status}: ${await refreshed.text()}`);
    await refreshed.arrayBuffer();
    // RP-Initiated Logout: the end-session endpoint's confirmation page, then its form (oidc-provider's `logout=yes`).
    const res = await fetch(`${t.meta.end_session_endpoint}?${new URLSearchParams({ id_token_hint: tokens.id_token, client_id: t.basic.client_id })}`, {
      redirect: 'manual', headers: { cookie: this.jar.header() },
    });
    this.jar.take(res);
    if (res.status === 200) {
      const form = fillForm(await res.text(), t.user);
      form.fields.set('logout', 'yes');
      const done = await fetch(new URL(form.action, t.meta.end_session_endpoint), {
        method: 'POST', redirect: 'manual', body: form.fields.toString(), headers: { cookie: this.jar.header(), 'content-type': 'application/x-www-form-urlencoded' },
      });
      if (done.status >= 400) throw new Error(`logout answered ${done.status}`);
      await done.arrayBuffer();
    } else await res.arrayBuffer();
  }
}

/** CPU ms per whole login of oidc-provider (process CPU ÷ logins), its node:http floor for the same request count, and the net. */
export async function peerWholeLogin(shared, { logins }) {
  const port = 8936;
  const { child, ready } = spawnServer('oidc-provider (whole login)', 'bench/peer/server.mjs', [String(port)], { PEER_CONFIG: JSON.stringify(shared.peerConfig), NODE_ENV: 'production' });
  let requestsPerLogin;
  let cpuMs;
  try {
    const { info } = await ready;
    const origin = `http://127.0.0.1:${port}`;
    const meta = await (await fetch(`${origin}/.well-known/openid-configuration`)).json();
    const basic = shared.peerConfig.basic;
    const target = {
      meta, basic, redirect_uri: REDIRECT_URI, user: { username: shared.peerConfig.user.sub, password: 'x' },
      basicAuth: `Basic ${Buffer.from(`${basic.client_id}:${basic.client_secret}`).toString('base64')}`,
    };
    for (let i = 0; i < 10; i++) await new WholeLoginAgent(target).login();
    const counter = countRequests();
    const before = cpuOf([info.hostPid]);
    for (let i = 0; i < logins; i++) await new WholeLoginAgent(target).login();
    cpuMs = ((cpuOf([info.hostPid]) - before) * 1000) / logins;
    requestsPerLogin = counter.stop() / logins;
  } finally {
    await kill(child);
  }
  const floorMs = await nodeFloorPerRequest(shared);
  return { logins, cpuMs, requestsPerLogin, floorMsPerRequest: floorMs, netMs: cpuMs - floorMs * requestsPerLogin };
}

/** Counts the HTTP requests this process sends while it runs (global fetch wrapped). */
function countRequests() {
  const original = globalThis.fetch;
  let n = 0;
  globalThis.fetch = (...args) => {
    n++;
    return original(...args);
  };
  return { stop: () => ((globalThis.fetch = original), n) };
}

/** CPU ms of the node:http floor per request (a GET of its static discovery document). */
async function nodeFloorPerRequest(shared) {
  const port = 8937;
  const { child, ready } = spawnServer('node:http floor (whole login)', 'bench/peer/floor.mjs', [String(port)], { PEER_CONFIG: JSON.stringify(shared.peerConfig) });
  try {
    const { info } = await ready;
    const url = `http://127.0.0.1:${port}/.well-known/openid-configuration`;
    for (let i = 0; i < 200; i++) await (await fetch(url)).arrayBuffer();
    const n = 3000;
    const before = cpuOf([info.hostPid]);
    for (let i = 0; i < n; i++) await (await fetch(url)).arrayBuffer();
    return ((cpuOf([info.hostPid]) - before) * 1000) / n;
  } finally {
    await kill(child);
  }
}
