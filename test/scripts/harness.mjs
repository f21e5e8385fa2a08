/**
 * Runs an operator script (scripts/*.mjs) in a scratch project (a copy of wrangler.toml and
 * migrations/) with the recording fake wrangler first on PATH, and reads back what it recorded.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = resolve(fileURLToPath(new URL('../..', import.meta.url)));

/** A scratch project with a fake `wrangler` on PATH; `run(script, args)` runs scripts/<script>.mjs in it. */
export function scratchProject() {
  const dir = mkdtempSync(join(tmpdir(), 'portcullis-ops-'));
  const bin = join(dir, '.fake-bin');
  const fake = join(dir, '.fake-wrangler');
  cpSync(join(repo, 'wrangler.toml'), join(dir, 'wrangler.toml'));
  cpSync(join(repo, 'migrations'), join(dir, 'migrations'), { recursive: true });
  cpSync(join(repo, 'test/scripts/fake-wrangler.mjs'), join(dir, 'fake-wrangler.mjs'));
  for (const d of [bin, fake]) mkdirSync(d);
  writeFileSync(join(bin, 'wrangler'), `#!/bin/sh\nexec "${process.execPath}" "${join(dir, 'fake-wrangler.mjs')}" "$@"\n`);
  chmodSync(join(bin, 'wrangler'), 0o755);
  const env = { ...process.env, PATH: `${bin}${delimiter}${process.env.PATH}`, FAKE_WRANGLER_DIR: fake };
  delete env.WRANGLER;
  return {
    dir,
    run(script, args = [], extraEnv = {}) {
      const r = spawnSync(process.execPath, [join(repo, 'scripts', `${script}.mjs`), ...args], { cwd: dir, env: { ...env, ...extraEnv }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      return { status: r.status, stdout: r.stdout, stderr: r.stderr };
    },
    /** Every wrangler call so far, in order: `{ argv, stdin }`. */
    calls() {
      const log = join(fake, 'calls.jsonl');
      return existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : [];
    },
    clearCalls: () => rmSync(join(fake, 'calls.jsonl'), { force: true }),
    state: () => JSON.parse(readFileSync(join(fake, 'state.json'), 'utf8')),
    read: (name) => readFileSync(join(dir, name), 'utf8'),
    write: (name, text) => writeFileSync(join(dir, name), text),
    exists: (name) => existsSync(join(dir, name)),
    unlink: (name) => rmSync(join(dir, name), { force: true }),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
