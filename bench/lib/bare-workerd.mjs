// Start-up without Miniflare: the workerd binary alone with a generated capnp
// config serving just the bundle (no KV/D1/Durable Object simulators, only the
// ISSUER var). Measures exec → first answered request, the closest local
// analogue of "process start to first response" for the runtime + our script.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { kill, pinning } from './proc.mjs';

const wranglerReq = createRequire(createRequire(import.meta.url).resolve('wrangler/package.json'));
export const workerdBin = createRequire(wranglerReq.resolve('miniflare/package.json'))('workerd').default;

function capnp(modulePath, port, compatibilityDate, vars) {
  const extra = Object.entries(vars).map(([k, v]) => `, (name = "${k}", text = ${JSON.stringify(v)})`).join('');
  return `using Workerd = import "/workerd/workerd.capnp";
const config :Workerd.Config = (
  services = [ (name = "main", worker = .w) ],
  sockets = [ (name = "http", address = "127.0.0.1:${port}", http = (), service = "main") ],
);
const w :Workerd.Worker = (
  modules = [ (name = "index.js", esModule = embed "${modulePath}") ],
  compatibilityDate = "${compatibilityDate}",
  bindings = [ (name = "ISSUER", text = "http://127.0.0.1:${port}")${extra} ],
);
`;
}

/** Median of `times` starts of `script`: exec → first 200 on the discovery document. */
export async function bareStart(script, { port = 8960, times = 5, compatibilityDate = '2026-04-01', vars = {} } = {}) {
  const configPath = path.resolve('bench/out/bare.capnp');
  writeFileSync(configPath, capnp(path.relative(path.dirname(configPath), path.resolve(script)), port, compatibilityDate, vars));
  const samples = [];
  for (let i = 0; i < times; i++) {
    const [cmd, args] = pinning ? ['taskset', ['-c', pinning.server, workerdBin, 'serve', configPath]] : [workerdBin, ['serve', configPath]];
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    let first;
    try {
      while (!first && performance.now() - t0 < 10_000 && child.exitCode === null) {
        try {
          const r = await fetch(`http://127.0.0.1:${port}/.well-known/openid-configuration`, { signal: AbortSignal.timeout(1000) });
          await r.arrayBuffer();
          if (r.ok) first = performance.now();
        } catch {
          await new Promise((res) => setTimeout(res, 1));
        }
      }
    } finally {
      await kill(child);
    }
    if (!first) throw new Error(`bare workerd did not answer: ${err.slice(0, 300)}`);
    samples.push(first - t0);
  }
  samples.sort((a, b) => a - b);
  return { median: samples[Math.floor(samples.length / 2)], min: samples[0], max: samples.at(-1), samples };
}
