// The four servers of a run, how to start each one, set it up (clients,
// users, keys), probe which endpoints it serves, and build each endpoint's
// request for the load generator.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { challenge, harvestCodes, verifier, FlowAgent } from './flow.mjs';
import { assertions, sha256b64u } from './keys.mjs';
import { descendants, processName, spawnServer } from './proc.mjs';

export const REDIRECT_URI = 'http://127.0.0.1:8999/cb'; // never contacted: the flow stops at the redirect.
export const ADMIN_TOKEN = 'bench-admin-token-' + randomBytes(8).toString('hex');
export const USER = { username: 'bench-user', password: 'bench-password-correct-horse', claims: { name: 'Bench User', email: 'bench@example.com', email_verified: true } };
/**
 * Accounts for the scripted user agents: one per agent at c=32, each from its
 * own address (`ip`, sent as CF-Connecting-IP), so the login limiter (per
 * account and per address, NIST SP 800-63B §5.2.2) sees 32 people logging
 * in, not one account logged in 32 times at once from one address (which it
 * answers with 429).
 */
export const USERS = Array.from({ length: 32 }, (_, i) => ({ ...USER, username: i === 0 ? USER.username : `${USER.username}-${i}`, ip: `198.51.100.${i + 1}` }));
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export const TARGETS = [
  { id: 'ours', label: 'Portcullis', kind: 'worker', script: 'bench/out/worker/index.js', port: 8910, loopback: 8911 },
  { id: 'floor', label: 'Worker floor', kind: 'worker', script: 'bench/floor/worker.js', port: 8920, loopback: 8921 },
  { id: 'peer', label: 'oidc-provider', kind: 'node', script: 'bench/peer/server.mjs', port: 8930 },
  { id: 'peerFloor', label: 'node:http floor', kind: 'node', script: 'bench/peer/floor.mjs', port: 8940 },
];

/** Starts a target and measures time to its first answered request. */
export async function start(target, shared) {
  const origin = `http://127.0.0.1:${target.port}`;
  const env = target.kind === 'worker'
    ? { BENCH_VARS: JSON.stringify(workerVars(target, shared)), BENCH_SCHEMA: 'schema.sql' }
    : { PEER_CONFIG: JSON.stringify(shared.peerConfig), NODE_ENV: 'production' };
  const args = target.kind === 'worker' ? [target.script, String(target.port), String(target.loopback), `bench/out/state/${target.id}`] : [String(target.port)];
  const t0 = performance.now();
  const { child, ready } = spawnServer(target.label, target.kind === 'worker' ? 'bench/serve-worker.mjs' : target.script, args, env);
  // Poll the discovery document from the moment of spawn; note when workerd appears.
  let workerdSeen;
  let firstResponse;
  let failed = false;
  ready.catch(() => (failed = true));
  const deadline = t0 + 60_000;
  while (!firstResponse && !failed && performance.now() < deadline) {
    if (target.kind === 'worker' && !workerdSeen && descendants(child.pid).some((d) => processName(d).startsWith('workerd'))) {
      workerdSeen = performance.now();
    }
    try {
      const res = await fetch(`${origin}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(1000) });
      await res.arrayBuffer();
      if (res.ok) firstResponse = performance.now();
    } catch {
      await new Promise((r) => setTimeout(r, 2));
    }
  }
  const s = await ready;
  if (!firstResponse) throw new Error(`${target.label} never answered`);
  const pids = target.kind === 'worker' ? s.info.workerdPids : [s.info.hostPid];
  return {
    ...s,
    origin,
    pids,
    hostPids: target.kind === 'worker' ? [s.info.hostPid] : [],
    startup: {
      spawnToFirstResponseMs: firstResponse - t0,
      workerdToFirstResponseMs: workerdSeen ? firstResponse - workerdSeen : undefined,
      child: s.info.ms,
    },
  };
}

function workerVars(target, shared) {
  const issuer = `http://127.0.0.1:${target.port}`;
  const base = { ISSUER: issuer, ADMIN_TOKEN, CLIENT_SECRET_KEY: shared.clientSecretKey, PAR_ENABLED: 'true', REQUIRE_PAR: 'false', PAR_LIFETIME: '60' };
  if (target.id === 'ours') return base;
  return {
    ...base,
    FLOOR_CLIENT_ID: shared.floorClient.client_id,
    FLOOR_SECRET_HASH: sha256b64u(shared.floorClient.client_secret),
    FLOOR_SIGNING_JWK: JSON.stringify(shared.floorSigning.privateJwk),
    FLOOR_CLIENT_JWK: JSON.stringify(shared.clientKey.publicJwk),
  };
}

async function json(res) {
  const text = await res.text();
  try {
    return JSON.parse(text);
  } catch {
    return { text };
  }
}

/** Registers the bench clients and user (Portcullis via its admin API; the others have them in config). */
export async function setup(target, running, shared) {
  const meta = await json(await fetch(`${running.origin}/.well-known/openid-configuration`));
  const ctx = { target, meta, origin: running.origin, redirect_uri: REDIRECT_URI, user: USER, supports: new Set(['discovery', 'jwks', 'par_basic', 'par_pkjwt']) };
  if (target.id === 'ours') {
    const admin = (path, body) => fetch(`${running.origin}/admin${path}`, {
      method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body),
    }).then(async (r) => {
      const b = await json(r);
      if (r.status !== 201) throw new Error(`admin ${path} answered ${r.status}: ${JSON.stringify(b)}`);
      return b;
    });
    const common = { redirect_uris: [REDIRECT_URI], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 'openid profile email offline_access' };
    ctx.basic = await admin('/clients', { ...common, client_name: 'bench basic', token_endpoint_auth_method: 'client_secret_basic' });
    ctx.pkjwt = await admin('/clients', {
      ...common, client_name: 'bench pkjwt', token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256', jwks: { keys: [shared.clientKey.publicJwk] },
    });
    for (const { ip: _ip, ...user } of USERS) await admin('/users', user);
    ctx.users = USERS;
  } else if (target.id === 'floor') {
    ctx.basic = shared.floorClient;
    ctx.pkjwt = { client_id: 'floor-pkjwt' };
  } else {
    ctx.basic = shared.peerConfig.basic;
    ctx.pkjwt = shared.peerConfig.pkjwt;
  }
  ctx.basicAuth = `Basic ${Buffer.from(`${encodeURIComponent(ctx.basic.client_id)}:${encodeURIComponent(ctx.basic.client_secret)}`).toString('base64')}`;
  ctx.parEndpoint = meta.pushed_authorization_request_endpoint ?? `${running.origin}/par`;
  ctx.tokenEndpoint = meta.token_endpoint ?? `${running.origin}/token`;
  ctx.meta.pushed_authorization_request_endpoint = ctx.parEndpoint;

  // Probe: an endpoint that answers 404 is not built yet.
  const probe = async (url, init) => {
    try {
      const r = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(5000) });
      await r.arrayBuffer();
      return r.status !== 404;
    } catch {
      return false;
    }
  };
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  if (target.id === 'peerFloor') {
    ctx.supports.add('token');
  } else {
    if (meta.token_endpoint && (await probe(meta.token_endpoint, { method: 'POST', headers: form, body: '' }))) ctx.supports.add('token');
    if (meta.userinfo_endpoint && (await probe(meta.userinfo_endpoint, { headers: { authorization: 'Bearer x' } }))) ctx.supports.add('userinfo');
    if (meta.introspection_endpoint && (await probe(meta.introspection_endpoint, { method: 'POST', headers: form, body: 'token=x' }))) ctx.supports.add('introspect');
    const authorize = target.id !== 'floor' && meta.authorization_endpoint && (await probe(meta.authorization_endpoint, {}));
    if (authorize) ctx.supports.add('authorize');
    if (authorize && ctx.supports.has('token')) ctx.supports.add('flow');
    if (ctx.supports.has('token') && target.id !== 'floor') ctx.supports.add('refresh');
  }
  return ctx;
}

export function parBody(ctx, extra = {}) {
  return new URLSearchParams({
    response_type: 'code', client_id: extra.client_id ?? ctx.basic.client_id, redirect_uri: REDIRECT_URI, scope: 'openid profile',
    code_challenge: challenge, code_challenge_method: 'S256', state: 'bench-state-0123456789', nonce: 'bench-nonce-0123456789', ...extra,
  }).toString();
}

const FORM = { 'content-type': 'application/x-www-form-urlencoded' };

/**
 * Pools of single-use values (client assertions, codes, refresh tokens) are
 * made here, before the window. Returns null (with a note) when impossible.
 */
export async function requestSpec(endpoint, ctx, shared, { poolSize, tokens, c }) {
  switch (endpoint) {
    case 'discovery':
      return { url: `${ctx.origin}/.well-known/openid-configuration` };
    case 'jwks':
      return { url: ctx.meta.jwks_uri ?? `${ctx.origin}/jwks` };
    case 'par_basic':
      return { url: ctx.parEndpoint, method: 'POST', headers: { ...FORM, authorization: ctx.basicAuth }, body: parBody(ctx) };
    case 'par_pkjwt': {
      const list = assertions(poolSize, { clientId: ctx.pkjwt.client_id, audience: ctx.meta.issuer, key: shared.clientKey.privateKey, kid: shared.clientKey.publicJwk.kid });
      const bodies = list.map((a) => parBody(ctx, { client_id: ctx.pkjwt.client_id, client_assertion_type: JWT_BEARER, client_assertion: a }));
      return { url: ctx.parEndpoint, method: 'POST', headers: FORM, bodies };
    }
    case 'token': {
      const base = { grant_type: 'authorization_code', redirect_uri: REDIRECT_URI, code_verifier: verifier };
      const spec = { url: ctx.tokenEndpoint, method: 'POST', headers: { ...FORM, authorization: ctx.basicAuth }, onResponse: collectTokens(tokens) };
      if (ctx.target.id === 'floor' || ctx.target.id === 'peerFloor') return { ...spec, body: new URLSearchParams(base).toString(), recordDuringWarmup: true };
      let codes;
      if (ctx.target.id === 'peer') {
        const r = await fetch(`${ctx.origin}/__bench/codes?${new URLSearchParams({ n: String(poolSize), client_id: ctx.basic.client_id, challenge })}`);
        codes = await r.json();
      } else {
        codes = await harvestCodes({ ...ctx, meta: ctx.meta }, { count: poolSize, seconds: shared.harvestSeconds, parallel: 8, agent: flowAgentFactory(ctx) });
      }
      return { ...spec, bodies: codes.map((code) => new URLSearchParams({ ...base, code }).toString()), recordDuringWarmup: true, note: `${codes.length} codes prepared` };
    }
    case 'refresh': {
      // The c=1 window gets half of the refresh tokens, the c=32 window the rest.
      const list = tokens.refresh.splice(0, c === 1 ? Math.ceil(tokens.refresh.length / 2) : tokens.refresh.length);
      if (list.length === 0) return null;
      return {
        url: ctx.tokenEndpoint, method: 'POST', headers: { ...FORM, authorization: ctx.basicAuth },
        bodies: list.map((rt) => new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt }).toString()),
        note: `${list.length} refresh tokens from the token window`,
      };
    }
    case 'userinfo':
      if (!tokens.access) return null;
      return { url: ctx.meta.userinfo_endpoint ?? `${ctx.origin}/userinfo`, headers: { authorization: `Bearer ${tokens.access}` } };
    case 'introspect':
      if (!tokens.access) return null;
      return {
        url: ctx.meta.introspection_endpoint ?? `${ctx.origin}/introspect`, method: 'POST', headers: { ...FORM, authorization: ctx.basicAuth },
        body: new URLSearchParams({ token: tokens.access }).toString(),
      };
    default:
      throw new Error(`unknown endpoint ${endpoint}`);
  }
}

/** autocannon onResponse hook: keeps access and refresh tokens from token responses. */
function collectTokens(tokens) {
  return (status, body) => {
    if (status !== 200) return;
    try {
      const t = JSON.parse(body);
      // The refresh token issued with the kept access token stays out of the refresh pool: a window that runs out
      // of tokens resends them, which is reuse (RFC 9700 §4.14.2) and would revoke the grant userinfo then asks about.
      if (tokens.keptRefresh) tokens.refresh.push(tokens.keptRefresh);
      if (t.access_token) tokens.access = t.access_token;
      tokens.keptRefresh = t.refresh_token;
    } catch {}
  };
}

/**
 * The whole flow for one user agent with an established session: PAR →
 * authorize → consent → token. Each agent logs in as its own account where
 * the server has several (`ctx.users`; oidc-provider's dev login takes any name
 * but knows one account).
 */
export function flowAgentFactory(ctx) {
  let next = 0;
  const users = ctx.users ?? [ctx.user];
  return () => new FlowAgent({ ...ctx, user: users[next++ % users.length] });
}

export const schemaText = () => readFileSync('schema.sql', 'utf8');
