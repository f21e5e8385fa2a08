// Token endpoint latency under `wrangler dev` (issue 3's figure): N sequential
// authorization_code exchanges, each after a real PAR → authorize → login →
// consent flow; only the POST /token is timed. Loopback only, bounded, and
// the wrangler dev process is stopped on exit. `node bench/token-latency-dev.mjs [N]`
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FlowAgent, verifier } from './lib/flow.mjs';

const N = Number(process.argv[2] ?? 40);
const PORT = 8935;
const base = `http://localhost:${PORT}`;
const persist = mkdtempSync(join(tmpdir(), 'portcullis-dev-'));
const admin = 'bench-admin-token';

spawnSync('npx', ['wrangler', 'd1', 'execute', 'portcullis', '--local', '--persist-to', persist, '--file', 'schema.sql'], { stdio: 'ignore' });
const dev = spawn('npx', ['wrangler', 'dev', '--port', String(PORT), '--persist-to', persist, '--var', `ISSUER:${base}`, '--var', `ADMIN_TOKEN:${admin}`], { stdio: 'ignore', detached: true });
const stop = () => { try { process.kill(-dev.pid, 'SIGTERM'); } catch {} rmSync(persist, { recursive: true, force: true }); };
process.on('exit', stop);
process.on('SIGINT', () => process.exit(130));
setTimeout(() => { console.error('token-latency-dev: time limit reached'); process.exit(1); }, 5 * 60_000).unref();

for (let i = 0; ; i++) {
  try { if ((await fetch(`${base}/.well-known/openid-configuration`)).ok) break; } catch {}
  if (i > 120) throw new Error('wrangler dev did not start');
  await new Promise((r) => setTimeout(r, 500));
}
const adminPost = async (path, body) => {
  const res = await fetch(`${base}/admin${path}`, { method: 'POST', headers: { authorization: `Bearer ${admin}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (res.status !== 201) throw new Error(`${path}: ${res.status} ${await res.text()}`);
  return res.json();
};
const redirect_uri = 'http://127.0.0.1:9/cb';
const client = await adminPost('/clients', { redirect_uris: [redirect_uri], grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email offline_access' });
await adminPost('/users', { username: 'bench', password: 'bench-password', claims: { name: 'Bench' } });
const meta = await (await fetch(`${base}/.well-known/openid-configuration`)).json();
const target = { meta, basic: client, basicAuth: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`, redirect_uri, user: { username: 'bench', password: 'bench-password' } };

const times = [];
for (let i = 0; i < N; i++) {
  const code = await new FlowAgent(target).code();
  const started = performance.now();
  const res = await fetch(meta.token_endpoint, {
    method: 'POST',
    headers: { authorization: target.basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri, code_verifier: verifier }),
  });
  await res.json();
  if (res.status !== 200) throw new Error(`token answered ${res.status}`);
  times.push(performance.now() - started);
}
times.sort((a, b) => a - b);
const at = (q) => times[Math.min(times.length - 1, Math.floor(q * times.length))].toFixed(1);
const mean = (times.reduce((a, b) => a + b, 0) / times.length).toFixed(1);
console.log(`token endpoint under wrangler dev, ${N} sequential authorization_code exchanges (RS256 ID token + ES256 access token):`);
console.log(`  mean ${mean} ms, p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, p99 ${at(0.99)} ms, min ${times[0].toFixed(1)} ms`);
process.exit(0);
