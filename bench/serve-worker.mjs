// Child process: serves one Worker bundle with the real runtime (workerd) via
// the Miniflare API of the miniflare version wrangler itself depends on (no
// `wrangler dev` proxy in between). Prints one JSON line `{ready: true, ...}`.
//
// usage: node bench/serve-worker.mjs <scriptPath> <port> <loopbackPort> <persistDir|-> [compatibility_date]
// env:   BENCH_VARS (JSON object of vars/secrets), BENCH_SCHEMA (path to schema.sql)
const t0 = performance.now();
import net from 'node:net';
import { createRequire } from 'node:module';
import { readFileSync, rmSync } from 'node:fs';

const [scriptPath, port, loopbackPort, persist, compatibilityDate = '2026-04-01', entryPath] = process.argv.slice(2);

// Miniflare's Node-side loopback server listens on port 0 (any free port).
// The bench may only use 8900–8999, so the first port-0 listen gets ours.
const originalListen = net.Server.prototype.listen;
let loopbackAssigned = false;
net.Server.prototype.listen = function listen(...args) {
  if (!loopbackAssigned && args[0] === 0) {
    loopbackAssigned = true;
    args[0] = Number(loopbackPort);
  }
  return originalListen.apply(this, args);
};

const requireFromWrangler = createRequire(createRequire(import.meta.url).resolve('wrangler/package.json'));
const miniflarePkg = requireFromWrangler('miniflare/package.json');
const workerdPkg = createRequire(requireFromWrangler.resolve('miniflare/package.json'))('workerd/package.json');
const { Miniflare } = requireFromWrangler('miniflare');

const vars = JSON.parse(process.env.BENCH_VARS ?? '{}');
if (persist !== '-') rmSync(persist, { recursive: true, force: true });

let logLines = 0;
const mf = new Miniflare({
  name: 'bench',
  scriptPath,
  modules: true,
  modulesRules: [{ type: 'ESModule', include: ['**/*.js'] }],
  compatibilityDate,
  host: '127.0.0.1',
  port: Number(port),
  bindings: vars,
  kvNamespaces: ['PAR_KV'],
  d1Databases: { DB: '00000000-0000-4000-8000-000000000000' },
  durableObjects: {
    GRANTS: { className: 'Grant', useSQLite: true },
    SESSIONS: { className: 'Session', useSQLite: true },
    KEYS: { className: 'KeyStore', useSQLite: true },
    REPLAY: { className: 'ReplayGuard', useSQLite: true },
    LIMITER: { className: 'RateLimiter', useSQLite: true },
  },
  ...(persist === '-'
    ? {}
    : { kvPersist: `${persist}/kv`, d1Persist: `${persist}/d1`, durableObjectsPersist: `${persist}/do`, cachePersist: false }),
  // Drain the Worker's console output (one JSON audit line per PAR) without echoing it.
  handleRuntimeStdio(stdout, stderr) {
    stdout.on('data', (d) => {
      for (let i = 0; i < d.length; i++) if (d[i] === 10) logLines++;
    });
    stderr.on('data', (d) => {
      if (process.env.BENCH_DEBUG) process.stderr.write(d);
    });
  },
});

const tConstructed = performance.now();
const url = await mf.ready;
const tReady = performance.now();

if (process.env.BENCH_SCHEMA) {
  const db = await mf.getD1Database('DB');
  const sql = readFileSync(process.env.BENCH_SCHEMA, 'utf8')
    .split('\n')
    .map((l) => l.replace(/--.*$/, ''))
    .join('\n');
  const statements = sql.split(';').map((s) => s.trim()).filter(Boolean);
  await db.batch(statements.map((s) => db.prepare(s)));
}
const tSchema = performance.now();

// workerd is our direct child (Miniflare spawns the binary).
import { readdirSync } from 'node:fs';
function children(pid) {
  const out = [];
  for (const task of readdirSync(`/proc/${pid}/task`)) {
    const list = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
    if (list) out.push(...list.split(/\s+/).map(Number));
  }
  return out;
}
const workerdPids = children(process.pid).filter((p) => {
  try {
    return readFileSync(`/proc/${p}/comm`, 'utf8').trim().startsWith('workerd');
  } catch {
    return false;
  }
});

console.log(JSON.stringify({
  ready: true,
  url: String(url),
  hostPid: process.pid,
  workerdPids,
  runtime: `Miniflare ${miniflarePkg.version} API (the one wrangler depends on) → workerd ${workerdPkg.version}`,
  ms: { nodeBoot: t0, construct: tConstructed - t0, ready: tReady - tConstructed, schema: tSchema - tReady },
}));

setInterval(() => {}, 1 << 30);
async function shutdown() {
  try {
    await mf.dispose();
  } finally {
    process.exit(0);
  }
}
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
process.on('disconnect', shutdown);
