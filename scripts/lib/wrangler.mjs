/**
 * How the operator scripts (setup, deploy, start) call wrangler, and read what it prints.
 * Which wrangler: `$WRANGLER` when set, else the first `wrangler` on PATH (under
 * `npm run`, node_modules/.bin is on PATH, so that is the pinned one), else the
 * pinned node_modules/wrangler. Tests put a recording fake first on PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository these scripts belong to (for src/ imports and its node_modules). */
export const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The project the scripts act on: the current directory (`npm run` starts there). */
export const project = () => process.cwd();
const windows = process.platform === 'win32';

/**
 * The wrangler to run, as a file and the arguments before wrangler's own. On Windows
 * the PATH entry is a .cmd shim that cannot be spawned without a shell (which would
 * re-parse SQL and JSON arguments), so there the pinned wrangler runs under this node.
 */
export function wranglerCommand(env = process.env) {
  if (env.WRANGLER) return { file: env.WRANGLER, prefix: [] };
  if (!windows) {
    for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
      if (existsSync(join(dir, 'wrangler'))) return { file: join(dir, 'wrangler'), prefix: [] };
    }
  }
  return { file: process.execPath, prefix: [join(root, 'node_modules', 'wrangler', 'bin', 'wrangler.js')] };
}

export class WranglerError extends Error {
  constructor(args, result) {
    super(`wrangler ${args.join(' ')} failed (exit ${result.status ?? result.signal}):\n${`${result.stderr ?? ''}${result.stdout ?? ''}`.trim()}`);
    this.name = 'WranglerError';
    this.output = `${result.stdout ?? ''}\n${result.stderr ?? ''}`;
  }
}

/**
 * Runs wrangler with `args` and returns its stdout. `input` (a secret) goes to
 * its stdin only, never onto the command line or into an error message.
 * `inherit` shows wrangler's own output (and lets it prompt) instead of capturing it.
 */
export function wrangler(args, { input, inherit = false, env = process.env } = {}) {
  const { file, prefix } = wranglerCommand(env);
  const result = spawnSync(file, [...prefix, ...args], {
    cwd: project(),
    env: { ...env, WRANGLER_SEND_METRICS: 'false' },
    input,
    encoding: 'utf8',
    stdio: inherit ? ['inherit', 'inherit', 'inherit'] : [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  if (result.status !== 0) throw new WranglerError(args, result);
  return result.stdout ?? '';
}

/** The JSON document in wrangler's output (it may print banners or warnings around it). */
export function jsonOutput(stdout) {
  const start = stdout.search(/^\s*[[{]/m);
  if (start < 0) throw new Error(`expected JSON from wrangler, got:\n${stdout}`);
  const text = stdout.slice(start).trim();
  const end = Math.max(text.lastIndexOf(']'), text.lastIndexOf('}'));
  return JSON.parse(text.slice(0, end + 1));
}

/** The rows of the box-drawn table wrangler prints (`queues list`), as objects keyed by the header. */
export function tableOutput(stdout) {
  const rows = stdout.split(/\r?\n/).filter((l) => /^\s*│/.test(l)).map((l) => l.split('│').slice(1, -1).map((c) => c.trim()));
  const [head, ...body] = rows;
  if (!head) return [];
  return body.map((cells) => Object.fromEntries(head.map((h, i) => [h, cells[i] ?? ''])));
}
