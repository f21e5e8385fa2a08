#!/usr/bin/env node
// `npm start [-- wrangler dev flags]`: runs Portcullis locally with nothing to configure.
// 1. writes .dev.vars with local-only secrets if it does not exist,
// 2. checks the settings with the Worker's own parser and that the port is free (each failure names its cause),
// 3. applies the D1 migrations to the local database (migrations/),
// 4. seeds a demo client and a demo user (local only; never part of a deployment),
// 5. starts `wrangler dev` with every flag passed through unchanged.
import { spawn } from 'node:child_process';
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { configProblem, effectiveVars, portProblem, readDevVars, varFlags } from './lib/local-config.mjs';
import { jsonOutput, wrangler, wranglerCommand } from './lib/wrangler.mjs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].split('=').slice(1).join('=') : args[i + 1];
};
const port = Number(flag('--port') ?? 8787);
const flags = varFlags(args);
const issuer = flags.ISSUER ?? `http://localhost:${port}`;
const persist = flag('--persist-to');
const devArgs = [...args];
if (flags.ISSUER === undefined && port !== 8787) devArgs.push('--var', `ISSUER:${issuer}`);

const fail = (message) => {
  console.error(`npm start: ${message}`);
  process.exit(1);
};
const b64url = (buf) => buf.toString('base64url');

// The demo client's secret; DEMO_CLIENT_SECRET also turns on the demo relying party at /demo.
const demoSecret = 'demo-secret';
if (!existsSync('.dev.vars')) {
  writeFileSync('.dev.vars', [
    '# Local-only secrets written by `npm start`. Never used in a deployment (set secrets with `wrangler secret put`).',
    'ADMIN_TOKEN=dev-admin-token',
    `CLIENT_SECRET_KEY=${b64url(randomBytes(32))}`,
    '',
  ].join('\n'));
  console.log('wrote .dev.vars (ADMIN_TOKEN=dev-admin-token)');
}
if (!readFileSync('.dev.vars', 'utf8').includes('DEMO_CLIENT_SECRET=')) appendFileSync('.dev.vars', `DEMO_CLIENT_SECRET=${demoSecret}\n`);

const devVars = readDevVars();
const vars = effectiveVars(readFileSync('wrangler.toml', 'utf8'), devVars, { ...flags, ISSUER: issuer });
const invalid = await configProblem(vars);
if (invalid) fail(`${invalid} (wrangler.toml [vars], .dev.vars or --var; README: Configuration)`);
if (!(Number.isInteger(port) && port > 0 && port < 65536)) fail(`--port must be a TCP port, got ${flag('--port')}`);
const taken = await portProblem(port, flag('--ip'));
if (taken) fail(`${taken}: stop what uses it, or choose another with npm start -- --port 9000 (the issuer and this banner follow --port)`);

const d1 = (sqlArgs) => wrangler(['d1', 'execute', 'portcullis', '--local', ...(persist ? ['--persist-to', persist] : []), ...sqlArgs]);
const rows = (sql) => jsonOutput(d1(['--json', '--command', sql]))[0]?.results ?? [];

// A local database made before migrations/ (from schema.sql, no d1_migrations table) first gets the
// columns added to its tables since it was made; 0001 (all IF NOT EXISTS) is then a no-op that marks it
// migrated. Frozen list: new columns go into migrations/000N_*.sql, never here.
const ADDED_COLUMNS = [['clients', 'allowed_origins', 'TEXT']];
function migrate() {
  const tables = new Set(rows("SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('clients', 'd1_migrations')").map((r) => r.name));
  if (tables.has('clients') && !tables.has('d1_migrations')) {
    for (const table of new Set(ADDED_COLUMNS.map(([t]) => t))) {
      const present = new Set(rows(`PRAGMA table_info(${table})`).map((row) => row.name));
      for (const [t, column, type] of ADDED_COLUMNS) {
        if (t === table && !present.has(column)) d1(['--command', `ALTER TABLE ${table} ADD COLUMN ${column} ${type}`]);
      }
    }
  }
  wrangler(['d1', 'migrations', 'apply', 'portcullis', '--local', ...(persist ? ['--persist-to', persist] : [])]);
}
try {
  migrate();
} catch (error) {
  fail(`the local D1 database could not be migrated: ${error.message}`);
}

// The demo relying party: a confidential client with a fixed, local-only secret.
const redirects = [`http://localhost:${port}/demo/callback`, `http://127.0.0.1:${port}/demo/callback`, `${issuer}/demo/callback`, 'http://localhost:3000/callback'];
const q = (s) => `'${String(s).replace(/'/g, "''")}'`;
const salt = randomBytes(16);
const pwHash = pbkdf2Sync('demo-password'.normalize('NFKC'), salt, 100_000, 32, 'sha256');
const now = Math.floor(Date.now() / 1000);
d1(['--command', [
  `INSERT OR REPLACE INTO clients (client_id, client_id_issued_at, client_secret_hash, client_name, application_type, redirect_uris,
     token_endpoint_auth_method, grant_types, response_types, scope, post_logout_redirect_uris, id_token_signed_response_alg)
   VALUES ('demo-client', ${now}, ${q(b64url(createHash('sha256').update(demoSecret).digest()))}, 'Portcullis demo app', 'web',
     ${q(JSON.stringify([...new Set(redirects)]))}, 'client_secret_basic', '["authorization_code","refresh_token"]', '["code"]',
     'openid profile email offline_access', ${q(JSON.stringify([`${issuer}/demo`]))}, 'RS256');`,
  `INSERT OR IGNORE INTO users (sub, username, password_hash, password_salt, password_iterations, claims, created_at)
   VALUES ('demo-user', 'demo', ${q(b64url(pwHash))}, ${q(b64url(salt))}, 100000,
     ${q(JSON.stringify({ name: 'Dana Demo', given_name: 'Dana', family_name: 'Demo', email: 'dana@example.com', email_verified: true }))}, ${now});`,
].join(' ')]);

const adminToken = flags.ADMIN_TOKEN ?? devVars.ADMIN_TOKEN;
console.log(`
Portcullis (local) at ${issuer}
  demo app:     ${issuer}/demo  (signs in with the demo client and shows the tokens)
  demo client:  client_id=demo-client  client_secret=${demoSecret}
  demo user:    username=demo          password=demo-password
  admin API:    ${adminToken ? `Authorization: Bearer ${adminToken} (${flags.ADMIN_TOKEN ? '--var ADMIN_TOKEN' : '.dev.vars'})` : 'off (no ADMIN_TOKEN)'}
`);

const { file, prefix } = wranglerCommand();
const child = spawn(file, [...prefix, 'dev', ...devArgs], { stdio: 'inherit' });
const stop = (signal) => child.kill(signal);
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => process.exit(code ?? 0));
