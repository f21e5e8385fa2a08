// `npm run bench`: builds the Worker as it deploys, serves it with workerd,
// loads it and three references (a minimal Worker floor, panva's
// oidc-provider, a bare node:http floor) and writes bench/results.md + .svg.
// BENCH_QUICK=1: short windows, one run (~2 min). See bench/README.md.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import { gzipSync } from 'node:zlib';
import { es256Pair, rs256Jwk } from './lib/keys.mjs';
import { bareStart } from './lib/bare-workerd.mjs';
import { measure, measureLoop } from './lib/load.mjs';
import { cores, kill, killAll, pinning, pinSelf } from './lib/proc.mjs';
import { ENDPOINTS, mainTable, markdown, svg, targetChecks, wholeLoginSection } from './lib/report.mjs';
import { flowAgentFactory, parBody, requestSpec, setup, start, TARGETS, ADMIN_TOKEN, REDIRECT_URI, USER } from './lib/targets.mjs';
import { oursInProcess, peerWholeLogin } from './lib/whole-login.mjs';

process.chdir(new URL('..', import.meta.url).pathname);
const quick = process.env.BENCH_QUICK === '1';
const config = {
  quick,
  duration: Number(process.env.BENCH_DURATION ?? (quick ? 1.5 : 5)),
  warmup: Number(process.env.BENCH_WARMUP ?? (quick ? 0.5 : 1)),
  runs: Number(process.env.BENCH_RUNS ?? (quick ? 1 : 2)),
  concurrency: [1, 32],
  maxPool: Number(process.env.BENCH_MAX_POOL ?? 60_000),
  harvestSeconds: Number(process.env.BENCH_HARVEST_SECONDS ?? (quick ? 3 : 20)),
  only: process.env.BENCH_ONLY?.split(','),
  targets: process.env.BENCH_TARGETS?.split(','),
};
config.runList = Array.from({ length: config.runs }, (_, i) => i + 1);
const hardStop = setTimeout(() => {
  console.error('bench: hard time limit (30 min) reached, stopping');
  killAll().finally(() => process.exit(2));
}, Number(process.env.BENCH_HARD_LIMIT_S ?? 1800) * 1000);
hardStop.unref();

const log = (...a) => console.log(...a);
const req = createRequire(import.meta.url);
const wranglerReq = createRequire(req.resolve('wrangler/package.json'));
const versions = {
  node: process.version,
  wrangler: req('wrangler/package.json').version,
  miniflare: wranglerReq('miniflare/package.json').version,
  workerd: createRequire(wranglerReq.resolve('miniflare/package.json'))('workerd/package.json').version,
  oidcProvider: req('oidc-provider/package.json').version,
  autocannon: req('autocannon/package.json').version,
};
const cpuinfo = readFileSync('/proc/cpuinfo', 'utf8');
const machine = {
  nproc: cores,
  model: /model name\s*:\s*(.*)/.exec(cpuinfo)?.[1]?.trim() ?? os.cpus()[0]?.model ?? '?',
  memGiB: (os.totalmem() / 2 ** 30).toFixed(1),
  kernel: os.release(),
  pinning: '',
};
const pinned = pinSelf();
machine.pinning = pinning && pinned
  ? `server process tree pinned to core ${pinning.server} (taskset), load generator (this node process, autocannon) to core ${pinning.load}. Each server gets one core, however many threads it has; the Miniflare host node process shares the server core with workerd.`
  : `no pinning (${cores} core(s)): server and load generator share the CPU, so req/s understates what the server alone could do.`;

// 1. Build as deployed.
log('== build: wrangler deploy --dry-run --outdir bench/out/worker');
const t0 = performance.now();
const build = spawnSync('npx', ['wrangler', 'deploy', '--dry-run', '--outdir', 'bench/out/worker'], { encoding: 'utf8', timeout: 180_000 });
if (build.status !== 0) {
  console.error(build.stdout, build.stderr);
  process.exit(1);
}
const bundleBytes = readFileSync('bench/out/worker/index.js');
const bundle = { raw: bundleBytes.length, gzip: gzipSync(bundleBytes, { level: 9 }).length, ms: Math.round(performance.now() - t0) };
log(`   bundle ${bundle.raw} B raw, ${bundle.gzip} B gzip (${(bundle.gzip / 1024).toFixed(1)} KiB), built in ${bundle.ms} ms`);
mkdirSync('bench/out/state', { recursive: true });
copyFileSync('bench/lib/count-entry.js', 'bench/out/count-entry.js');

// Keys and clients shared by all servers.
const clientKey = es256Pair('bench-client-es256');
const shared = {
  clientKey,
  clientSecretKey: 'bench-secret-key-' + 'x'.repeat(32),
  floorClient: { client_id: 'floor-client', client_secret: 'floor-secret-0123456789abcdef0123456789abcdef' },
  floorSigning: es256Pair('floor-es256'),
  harvestSeconds: config.harvestSeconds,
  peerConfig: {
    redirect_uri: REDIRECT_URI,
    user: { sub: 'bench-user', claims: USER.claims },
    basic: { client_id: 'bench-basic', client_secret: 'peer-secret-0123456789abcdef0123456789abcdef' },
    pkjwt: { client_id: 'bench-pkjwt', public_jwk: clientKey.publicJwk },
    signing_keys: [rs256Jwk('peer-rs256'), es256Pair('peer-es256').privateJwk],
  },
};
// USER.username must be a valid oidc-provider devInteractions login; it accepts any.

machine.load1AtStart = os.loadavg()[0];
const results = { date: new Date().toISOString(), machine, versions, bundle, config, rows: [], startup: [], notes: [], runtime: '' };
const note = (n) => {
  if (!results.notes.includes(n)) results.notes.push(n);
};
const targets = TARGETS.filter((t) => !config.targets || config.targets.includes(t.id));
const wanted = (ep) => !config.only || config.only.includes(ep);

async function benchTarget(target, run) {
  log(`\n== run ${run}: ${target.label}`);
  const running = await start(target, shared);
  try {
    if (target.kind === 'worker') results.runtime = running.info.runtime;
    const ctx = await setup(target, running, shared);
    const startup = { target: target.id, run, ...running.startup };
    // Cold first requests (isolate caches empty): a PAR (reads the client from D1) and /jwks.
    let s = performance.now();
    await fetch(ctx.parEndpoint, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: ctx.basicAuth }, body: parBody(ctx) }).then((r) => r.arrayBuffer());
    startup.firstParMs = performance.now() - s;
    s = performance.now();
    await fetch(ctx.meta.jwks_uri ?? `${ctx.origin}/jwks`).then((r) => r.arrayBuffer());
    startup.firstJwksMs = performance.now() - s;
    results.startup.push(startup);
    log(`   started: spawn→first response ${startup.spawnToFirstResponseMs.toFixed(0)} ms${startup.workerdToFirstResponseMs ? `, workerd exec→first ${startup.workerdToFirstResponseMs.toFixed(0)} ms` : ''}; serves: ${[...ctx.supports].join(', ')}`);

    const basicRate = {};
    for (const endpoint of ENDPOINTS) {
      if (!wanted(endpoint)) continue;
      if (endpoint === 'flow' ? !ctx.supports.has('flow') : !ctx.supports.has(endpoint)) {
        if (target.id === 'ours' || target.id === 'peer') {
          results.rows.push({ target: target.id, endpoint, run, skipped: `not served (probe answered 404 or a prerequisite is missing)` });
        }
        continue;
      }
      const tokens = ctx.tokens ??= { refresh: [], access: undefined };
      for (const c of config.concurrency) {
        const row = { target: target.id, endpoint, c, run };
        try {
          let m;
          if (endpoint === 'flow') {
            const agents = Array.from({ length: c }, flowAgentFactory(ctx));
            let i = 0;
            // One login per agent before the window: flows then run with an SSO session.
            await Promise.all(agents.map((a) => a.tokens()));
            m = await measureLoop(() => agents[i++ % c].tokens(), { connections: c, duration: config.duration, warmup: config.warmup, pids: running.pids });
            note('Whole flow = PAR → /authorize → consent → redirect with code → /token, by a scripted user agent (bench/lib/flow.mjs) that already has a session (one login per agent before the window), so the PBKDF2 password check is not in the window. prompt=consent forces the consent step each time.');
          } else {
            const est = basicRate[c] ?? 2000;
            const poolSize = Math.min(config.maxPool, Math.ceil(est * (config.duration + config.warmup) * 1.3) + 4 * c);
            const spec = await requestSpec(endpoint, ctx, shared, { poolSize, tokens, c });
            if (!spec) {
              results.rows.push({ ...row, skipped: 'no tokens from the token window to use' });
              continue;
            }
            m = await measure(spec, { connections: c, duration: config.duration, warmup: config.warmup, pids: running.pids, hostPids: running.hostPids });
            if (spec.note) m.note = spec.note;
            if (endpoint === 'par_basic') basicRate[c] = m.rps;
          }
          if (m.skipped) {
            results.rows.push({ ...row, skipped: m.skipped });
            log(`   ${endpoint} c=${c}: skipped (${m.skipped})`);
            continue;
          }
          m.load1 = os.loadavg()[0];
          results.rows.push({ ...row, ...m });
          log(`   ${endpoint.padEnd(10)} c=${String(c).padStart(2)}: ${m.rps.toFixed(0).padStart(6)} req/s  p50 ${m.p50?.toFixed(1)} p99 ${m.p99?.toFixed(1)} ms  CPU ${m.cpuMsPerReq.toFixed(3)} ms/req  (${m.requests} req in ${m.seconds} s, non-2xx ${m.bad}, errors ${m.errors})${m.note ? `  [${m.note}]` : ''}`);
          if (m.bad > 0 && m.bad >= m.requests * 0.01) note(`${target.label} ${endpoint} c=${c} run ${run}: ${m.bad} of ${m.requests} responses were not 2xx — check before trusting that row.`);
        } catch (error) {
          const why = `${error.message.split('\n')[0]}${error.cause ? ` (${error.cause.code ?? error.cause.message})` : ''}`;
          results.rows.push({ ...row, skipped: `error: ${why}` });
          log(`   ${endpoint} c=${c}: ERROR ${why}`);
        }
      }
    }
  } finally {
    await stop(running);
  }
}

async function stop(running) {
  await kill(running.child);
  // Miniflare disposes workerd on SIGTERM; make sure.
  for (const pid of running.info.workerdPids ?? []) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {}
  }
}

/** Storage operations per request, counted through a wrapper around the same bundle. */
async function countOps() {
  log('\n== counting storage operations (wrapped bindings, not timed)');
  const target = { id: 'ours', label: 'Portcullis (counting)', kind: 'worker', script: 'bench/out/count-entry.js', port: 8950, loopback: 8951 };
  const running = await start(target, shared);
  const ops = {};
  try {
    const ctx = await setup(target, running, shared);
    const opsNow = async () => (await fetch(`${running.origin}/__bench/ops`)).json();
    const tokens = { refresh: [], access: undefined };
    const N = 10;
    for (const endpoint of ENDPOINTS) {
      if (endpoint === 'flow' ? !ctx.supports.has('flow') : !ctx.supports.has(endpoint)) continue;
      await opsNow();
      const send = async (spec, i) => {
        const r = await fetch(spec.url, { method: spec.method ?? 'GET', headers: spec.headers, body: spec.bodies ? spec.bodies[i] : spec.body });
        const text = await r.text();
        spec.onResponse?.(r.status, text);
      };
      if (endpoint === 'flow') {
        const agent = flowAgentFactory(ctx)();
        await agent.tokens();
        const first = await opsNow();
        for (let i = 0; i < N; i++) await agent.tokens();
        ops.flow = { first, steady: perRequest(await opsNow(), N) };
        continue;
      }
      const spec = await requestSpec(endpoint, ctx, { ...shared, harvestSeconds: 10 }, { poolSize: N + 1, tokens });
      if (!spec) continue;
      await opsNow();
      await send(spec, 0);
      const first = await opsNow();
      for (let i = 1; i <= N; i++) await send(spec, i % (spec.bodies?.length ?? 1));
      ops[endpoint] = { first, steady: perRequest(await opsNow(), N) };
    }
  } catch (error) {
    results.notes.push(`storage-operation counting failed: ${error.message.split('\n')[0]}`);
  } finally {
    await stop(running);
  }
  return ops;
}
/** Protocol CPU of one whole login, ours in-process with storage stubbed and oidc-provider's beside it (bench/lib/whole-login.mjs). */
async function wholeLogin() {
  log('\n== protocol CPU of one whole login (PAR → authorize → login → consent → token → userinfo → refresh → logout, no password hash)');
  const out = {};
  try {
    out.ours = oursInProcess({ full: !quick });
    log(`   Portcullis in-process, storage stubbed: median ${out.ours.median_ms.toFixed(2)} ms per login (${out.ours.rounds} batches of ${out.ours.n}; ${Object.entries(out.ours.steps_ms).map(([k, v]) => `${k} ${v.toFixed(2)}`).join(', ')})`);
  } catch (error) {
    note(`whole-login in-process measurement failed: ${error.message.split('\n')[0]}`);
  }
  try {
    out.peer = await peerWholeLogin(shared, { logins: quick ? 100 : 400 });
    log(`   oidc-provider process CPU: ${out.peer.cpuMs.toFixed(2)} ms per login (${out.peer.requestsPerLogin} requests), minus node:http floor ${out.peer.floorMsPerRequest.toFixed(3)} ms/request → ${out.peer.netMs.toFixed(2)} ms`);
  } catch (error) {
    note(`whole-login oidc-provider measurement failed: ${error.message.split('\n')[0]}`);
  }
  return out;
}
const perRequest = (counts, n) => Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, v / n]));

try {
  if (!config.targets || config.targets.includes('ours')) {
    log('\n== start-up of the bare workerd binary (generated capnp config, no Miniflare, no bindings but ISSUER)');
    try {
      results.bareStart = {
        ours: await bareStart('bench/out/worker/index.js', { times: quick ? 3 : 7 }),
        floor: await bareStart('bench/floor/worker.js', { times: quick ? 3 : 7, vars: {
          FLOOR_CLIENT_ID: 'x', FLOOR_SECRET_HASH: 'AAAA', FLOOR_SIGNING_JWK: JSON.stringify(shared.floorSigning.privateJwk), FLOOR_CLIENT_JWK: JSON.stringify(clientKey.publicJwk),
        } }),
      };
      log(`   exec → first response, median: Portcullis ${results.bareStart.ours.median.toFixed(0)} ms, floor ${results.bareStart.floor.median.toFixed(0)} ms`);
    } catch (error) {
      results.notes.push(`bare workerd start-up failed: ${error.message.split('\n')[0]}`);
    }
  }
  for (const run of config.runList) {
    for (const target of targets) await benchTarget(target, run);
  }
  if (!config.targets || config.targets.includes('ours')) results.ops = await countOps();
  if (wanted('whole_login')) results.wholeLogin = await wholeLogin();
} finally {
  await killAll();
}

note('Servers run one at a time; each run restarts all four (fresh local state under bench/out/state/).');
note('Local KV, D1 and Durable Objects are Miniflare\'s simulators inside the same workerd process, persisted to disk like `wrangler dev`: their CPU is counted in the workerd figure for both Portcullis and its floor, so the difference (protocol CPU) is what our code adds. Production storage latency (network round trips) is not modelled.');
note('Miniflare\'s Node host process drains the Worker\'s log lines (Portcullis writes one JSON audit line per PAR); its CPU is shown as "host node" in the window table and is not part of CPU ms/req.');
note('oidc-provider runs with its default in-memory adapter and opaque access tokens; Portcullis issues JWT access tokens (RFC 9068). Its codes for the token benchmark are minted through its own models (Grant + AuthorizationCode) before the window.');
note('Portcullis\'s codes are harvested through the real HTTP flow before the window (bounded by BENCH_HARVEST_SECONDS); a token window stops early when its pool of single-use codes, refresh tokens or assertions runs out (see the s column).');
note('private_key_jwt windows use pre-signed ES256 assertions with unique jti (sized from the client_secret_basic rate of the same server).');

writeFileSync('bench/results.json', JSON.stringify(results, null, 2));
writeFileSync('bench/results.md', markdown(results));
writeFileSync('bench/results.svg', svg(results));
log('\n' + mainTable(results));
if (results.wholeLogin) log('\n' + wholeLoginSection(results));
log('\nTargets:');
for (const c of targetChecks(results)) log(`  [${c.pass ? 'met' : 'MISSED'}] ${c.target}: ${c.measured}`);
log('\nwrote bench/results.md, bench/results.svg, bench/results.json');
clearTimeout(hardStop);
process.exit(0);
