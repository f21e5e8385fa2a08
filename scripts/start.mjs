#!/usr/bin/env node
// `npm start [-- wrangler dev flags]`: runs Portcullis locally with nothing to configure.
// 1. writes .dev.vars with local-only secrets if it does not exist,
// 2. applies schema.sql to the local D1 database,
// 3. seeds a demo client and a demo user (local only; never part of a deployment),
// 4. starts `wrangler dev` with every flag passed through unchanged.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, pbkdf2Sync, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
const flag = (name) => {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return args[i].includes('=') ? args[i].split('=').slice(1).join('=') : args[i + 1];
};
const port = Number(flag('--port') ?? 8787);
const vars = args.flatMap((a, i) => (a === '--var' ? [args[i + 1]] : a.startsWith('--var=') ? [a.slice(6)] : []));
const issuerVar = vars.find((v) => v?.startsWith('ISSUER:'));
const issuer = issuerVar ? issuerVar.slice('ISSUER:'.length) : `http://localhost:${port}`;
const persist = flag('--persist-to');
const devArgs = [...args];
if (!issuerVar && port !== 8787) devArgs.push('--var', `ISSUER:${issuer}`);

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

function d1(sqlArgs) {
  const result = spawnSync('npx', ['wrangler', 'd1', 'execute', 'portcullis', '--local', ...(persist ? ['--persist-to', persist] : []), ...sqlArgs], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    console.error(result.stdout);
    process.exit(result.status ?? 1);
  }
  return result.stdout;
}

d1(['--file', 'schema.sql']);

// schema.sql creates missing tables only; a local database made by an older checkout
// gets the columns added to existing tables since then, once.
const ADDED_COLUMNS = [['clients', 'allowed_origins', 'TEXT'], ['clients', 'authorization_details_types', 'TEXT']];
for (const table of new Set(ADDED_COLUMNS.map(([t]) => t))) {
  const info = JSON.parse(d1(['--json', '--command', `PRAGMA table_info(${table})`]));
  const present = new Set((info[0]?.results ?? []).map((row) => row.name));
  for (const [t, column, type] of ADDED_COLUMNS) {
    if (t === table && !present.has(column)) d1(['--command', `ALTER TABLE ${table} ADD COLUMN ${column} ${type}`]);
  }
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

console.log(`
Portcullis (local) at ${issuer}
  demo app:     ${issuer}/demo  (signs in with the demo client and shows the tokens)
  demo client:  client_id=demo-client  client_secret=${demoSecret}
  demo user:    username=demo          password=demo-password
  admin API:    Authorization: Bearer dev-admin-token (see .dev.vars)
`);

const child = spawn('npx', ['wrangler', 'dev', ...devArgs], { stdio: 'inherit' });
const stop = (signal) => child.kill(signal);
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
child.on('exit', (code) => process.exit(code ?? 0));
