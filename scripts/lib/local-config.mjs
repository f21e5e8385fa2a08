/**
 * What `npm start` checks before it launches `wrangler dev`: the settings the
 * Worker will see (wrangler.toml [vars], then .dev.vars, then `--var` flags, as
 * wrangler layers them), parsed by the Worker's own parseConfig so a bad value
 * stops the start naming its setting; and whether the port is free.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { resourcesOf } from './deploy-config.mjs';
import { importTs } from './load-ts.mjs';

/** KEY=VALUE lines of a .dev.vars file (quotes around the value removed). */
export function readDevVars(path = '.dev.vars') {
  if (!existsSync(path)) return {};
  const vars = {};
  for (const line of readFileSync(path, 'utf8').split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(line);
    if (m) vars[m[1]] = m[2].replace(/^"(.*)"$/, '$1').replace(/^'(.*)'$/, '$1');
  }
  return vars;
}

/** `--var NAME:value` flags (and `--var=NAME:value`) as an object. */
export function varFlags(args) {
  const pairs = args.flatMap((a, i) => (a === '--var' ? [args[i + 1]] : a.startsWith('--var=') ? [a.slice(6)] : []));
  return Object.fromEntries(pairs.filter((p) => p?.includes(':')).map((p) => [p.slice(0, p.indexOf(':')), p.slice(p.indexOf(':') + 1)]));
}

/** The vars the Worker will see under `wrangler dev`. */
export function effectiveVars(wranglerToml, devVars, flags) {
  return { ...resourcesOf(wranglerToml).vars, ...devVars, ...flags };
}

/** The ConfigError message for `vars` (names the setting), or undefined when the Worker would accept them. */
export async function configProblem(vars) {
  const { parseConfig, ConfigError } = await importTs('src/config.ts');
  try {
    parseConfig(vars);
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError || error?.name === 'ConfigError') return error.message;
    throw error;
  }
}

function listens(port, host) {
  return new Promise((resolve) => {
    const server = createServer()
      .once('error', (error) => resolve(error.code === 'EADDRINUSE' || error.code === 'EACCES' ? error.code : 'unavailable'))
      .listen({ port, host, exclusive: true }, () => server.close(() => resolve('free')));
  });
}

/**
 * Why `port` cannot be served on `ip` (wrangler dev's --ip, default localhost), or undefined.
 * wrangler would otherwise move to another port while the issuer still names this one.
 */
export async function portProblem(port, ip = 'localhost') {
  const hosts = ip === 'localhost' ? ['127.0.0.1', '::1'] : [ip];
  for (const host of hosts) {
    const state = await listens(port, host);
    if (state === 'EADDRINUSE' || state === 'EACCES') return `port ${port} on ${host} is ${state === 'EACCES' ? 'not allowed' : 'taken'}`;
  }
  return undefined;
}
