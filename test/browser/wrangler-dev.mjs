import { spawn, execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The first free TCP port on 127.0.0.1 at or above `from` (the test tier uses 8800+). */
export async function freePort(from = 8811) {
  for (let port = from; port < from + 100; port++) {
    const free = await new Promise((resolve) => {
      const server = createServer().once('error', () => resolve(false)).listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port from ${from}`);
}

/**
 * Starts `wrangler dev` with a fresh persisted state (schema applied first) and
 * resolves once it answers discovery. `stop()` kills the process group it started.
 */
export async function startWorker({ adminToken }) {
  const persist = await mkdtemp(join(tmpdir(), 'portcullis-browser-'));
  const port = await freePort(8811);
  const inspector = await freePort(port + 1);
  const env = { ...process.env, CI: '1', WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' };
  await run('npx', ['wrangler', 'd1', 'execute', 'portcullis', '--local', '--file', 'schema.sql', '--persist-to', persist], { env });
  const issuer = `http://localhost:${port}`;
  const child = spawn(
    'npx',
    ['wrangler', 'dev', '--port', String(port), '--ip', '127.0.0.1', '--inspector-port', String(inspector), '--persist-to', persist,
      '--var', `ISSUER:${issuer}`, '--var', `ADMIN_TOKEN:${adminToken}`, '--show-interactive-dev-session=false'],
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const stop = async () => {
    if (child.exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {}
      await new Promise((resolve) => {
        const timer = setTimeout(() => {
          try {
            process.kill(-child.pid, 'SIGKILL');
          } catch {}
          resolve();
        }, 5000);
        child.once('exit', () => (clearTimeout(timer), resolve()));
      });
    }
    await rm(persist, { recursive: true, force: true });
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) break;
    try {
      const res = await fetch(`${issuer}/.well-known/openid-configuration`);
      if (res.ok) return { issuer, port, stop, output: () => output };
    } catch {}
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`wrangler dev did not start:\n${output}`);
}

/** Chromium flags for a quiet, headless, sandbox-less run in CI. */
export const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** POSTs `body` as JSON to the admin API of `worker` and returns the 201 answer's JSON; anything else throws. */
export async function adminPost(worker, adminToken, path, body) {
  const res = await fetch(`${worker.issuer}/admin${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 201) throw new Error(`admin ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}
