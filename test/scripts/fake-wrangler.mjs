#!/usr/bin/env node
/**
 * A recording stand-in for `wrangler` (test/scripts/*.test.mjs put it first on PATH).
 * Every call appends `{ argv, stdin }` as one JSON line to $FAKE_WRANGLER_DIR/calls.jsonl,
 * and the account it pretends to manage lives in $FAKE_WRANGLER_DIR/state.json, so a
 * second run sees what the first created. Output mimics wrangler 4's for the commands
 * the scripts use; anything else exits 1.
 */
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.env.FAKE_WRANGLER_DIR;
const argv = process.argv.slice(2);
const stdin = argv[0] === 'secret' && argv[1] === 'put' ? readFileSync(0, 'utf8') : undefined;
appendFileSync(join(dir, 'calls.jsonl'), `${JSON.stringify({ argv, stdin })}\n`);

const statePath = join(dir, 'state.json');
const state = existsSync(statePath)
  ? JSON.parse(readFileSync(statePath, 'utf8'))
  : { kv: [], d1: [], queues: [], secrets: [], worker: false, applied: [] };
const save = () => writeFileSync(statePath, JSON.stringify(state, null, 2));
const hex = (s, n) => createHash('sha256').update(s).digest('hex').slice(0, n);
const uuid = (s) => { const h = hex(s, 32); return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-8${h.slice(17, 20)}-${h.slice(20, 32)}`; };
const table = (head, rows) => [`┌─${head.map(() => '─').join('┬─')}┐`, `│ ${head.join(' │ ')} │`, '├─┤', ...rows.map((r) => `│ ${r.join(' │ ')} │`), '└─┘'].join('\n');
const migrations = () => (existsSync('migrations') ? readdirSync('migrations').filter((f) => f.endsWith('.sql')).sort() : []);
const fail = (message) => { process.stderr.write(`✘ [ERROR] ${message}\n`); process.exit(1); };
const firstFlag = argv.findIndex((a) => a.startsWith('-'));
/** The command words before the first flag: `secret list`, `kv namespace create <title>`. */
const cmd = (firstFlag < 0 ? argv : argv.slice(0, firstFlag)).join(' ');

if (process.env.FAKE_WRANGLER_FAIL && cmd.startsWith(process.env.FAKE_WRANGLER_FAIL)) fail('Authentication error [code: 10000]');
if (cmd === 'kv namespace list') console.log(`${JSON.stringify(state.kv, null, '  ')}`);
else if (cmd.startsWith('kv namespace create')) {
  const title = argv[3];
  state.kv.push({ id: hex(`kv:${title}`, 32), title, supports_url_encoding: true });
  save();
  console.log(`🌀 Creating namespace with title "${title}"\n✨ Success!\n{\n  "kv_namespaces": [{ "binding": "${title}", "id": "${hex(`kv:${title}`, 32)}" }]\n}`);
} else if (cmd === 'd1 list') console.log(JSON.stringify(state.d1.map((d) => ({ ...d, created_at: '2026-12-06T00:00:00.000Z', version: 'production' })), null, 2));
else if (cmd.startsWith('d1 create')) {
  state.d1.push({ uuid: uuid(`d1:${argv[2]}`), name: argv[2] });
  save();
  console.log(`✅ Successfully created DB '${argv[2]}'\n[[d1_databases]]\nbinding = "DB"\ndatabase_name = "${argv[2]}"\ndatabase_id = "${uuid(`d1:${argv[2]}`)}"`);
} else if (cmd === 'queues list') console.log(table(['id', 'name', 'created_on', 'modified_on', 'producers', 'consumers'], state.queues.map((q) => [hex(`q:${q}`, 32), q, '2026-12-06', '2026-12-06', '0', '0'])));
else if (cmd.startsWith('queues create')) {
  state.queues.push(argv[2]);
  save();
  console.log(`🌀 Creating queue '${argv[2]}'\n✅ Created queue '${argv[2]}'`);
} else if (cmd.startsWith('d1 execute')) {
  // The local database as `npm start` sees it: state.local = { tables: [...], columns: { table: [...] } }.
  const sql = argv[argv.indexOf('--command') + 1] ?? '';
  const local = state.local ?? { tables: [], columns: {} };
  const pragma = /^PRAGMA table_info\((\w+)\)/.exec(sql);
  if (!argv.includes('--json')) console.log('🚣 1 command executed successfully.');
  else if (pragma) console.log(JSON.stringify([{ results: (local.columns[pragma[1]] ?? []).map((name) => ({ name })), success: true }]));
  else if (sql.includes('sqlite_master')) console.log(JSON.stringify([{ results: local.tables.map((name) => ({ name })), success: true }]));
  else fail(`fake wrangler does not know this query: ${sql}`);
} else if (cmd === 'dev') {
  console.log('Ready on http://localhost');
} else if (cmd.startsWith('d1 migrations apply')) {
  const pending = migrations().filter((m) => !state.applied.includes(m));
  state.applied.push(...pending);
  save();
  console.log(pending.length ? table(['name', 'status'], pending.map((m) => [m, '✅'])) : '✅ No migrations to apply!');
} else if (cmd.startsWith('d1 migrations list')) {
  const pending = migrations().filter((m) => !state.applied.includes(m));
  console.log(pending.length ? `Migrations to be applied:\n${table(['Name'], pending.map((m) => [m]))}` : '✅ No migrations to apply!');
} else if (cmd === 'secret list') {
  if (!state.worker) fail('Worker "portcullis" not found.\n\nIf this is a new Worker, run `wrangler deploy` first to create it.');
  console.log(JSON.stringify(state.secrets.map((name) => ({ name, type: 'secret_text' })), null, '  '));
} else if (cmd.startsWith('secret put')) {
  if (!stdin) fail('no secret on stdin');
  state.worker = true;
  if (!state.secrets.includes(argv[2])) state.secrets.push(argv[2]);
  save();
  console.log(`✨ Success! Uploaded secret ${argv[2]}`);
} else if (cmd === 'deploy') {
  state.worker = true;
  save();
  console.log('Deployed portcullis triggers');
} else fail(`fake wrangler does not know: ${argv.join(' ')}`);
