import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getPlatformProxy } from 'wrangler';

/**
 * schema.sql is the complete current schema; migrations/ is how databases get
 * there (`wrangler d1 migrations apply`). Both are applied to two fresh local D1
 * databases (the real local simulator, through wrangler's getPlatformProxy) and
 * must leave the same tables, columns and indexes.
 */
const statements = (sql) => sql.replace(/--.*$/gm, '').split(';').map((s) => s.trim()).filter(Boolean);

async function apply(db, sql) {
  const list = statements(sql);
  if (list.length) await db.batch(list.map((s) => db.prepare(s)));
}

/** Every table's columns and every index's columns, ignoring D1's own tables and column order. */
async function schemaOf(db) {
  const objects = (await db.prepare("SELECT type, name, tbl_name FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name <> 'd1_migrations' ORDER BY type, name").all()).results;
  const out = {};
  for (const { type, name, tbl_name } of objects) {
    if (type === 'table') {
      const columns = (await db.prepare(`PRAGMA table_info(${name})`).all()).results.map(({ cid: _cid, ...c }) => c);
      const indexes = (await db.prepare(`PRAGMA index_list(${name})`).all()).results.map(({ seq: _seq, name: n, ...i }) => ({ ...i, name: n.startsWith('sqlite_autoindex') ? 'auto' : n }));
      out[`table ${name}`] = { columns: columns.sort((a, b) => a.name.localeCompare(b.name)), indexes: indexes.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))) };
    } else if (type === 'index') {
      out[`index ${name}`] = { table: tbl_name, columns: (await db.prepare(`PRAGMA index_info(${name})`).all()).results.map((c) => c.name) };
    } else {
      out[`${type} ${name}`] = { table: tbl_name };
    }
  }
  return out;
}

let proxy;
let dir;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'portcullis-migrations-'));
  const config = join(dir, 'wrangler.toml');
  await writeFile(config, [
    'name = "schema-check"', 'compatibility_date = "2026-04-01"',
    '[[d1_databases]]', 'binding = "FROM_SCHEMA"', 'database_name = "from-schema"', 'database_id = "from-schema"',
    '[[d1_databases]]', 'binding = "FROM_MIGRATIONS"', 'database_name = "from-migrations"', 'database_id = "from-migrations"', '',
  ].join('\n'));
  proxy = await getPlatformProxy({ configPath: config, persist: false });
}, 120_000);
afterAll(async () => {
  await proxy?.dispose();
  await rm(dir, { recursive: true, force: true });
});

describe('D1 migrations', () => {
  it('are numbered 0001, 0002, … without gaps, as wrangler d1 migrations applies them in order', async () => {
    const files = (await readdir('migrations')).filter((f) => f.endsWith('.sql')).sort();
    expect(files.length).toBeGreaterThan(0);
    files.forEach((f, i) => expect(f).toMatch(new RegExp(`^${String(i + 1).padStart(4, '0')}_[a-z0-9_]+\\.sql$`)));
  });

  it('applied in order give exactly the schema of schema.sql', async () => {
    await apply(proxy.env.FROM_SCHEMA, await readFile('schema.sql', 'utf8'));
    for (const f of (await readdir('migrations')).filter((n) => n.endsWith('.sql')).sort()) {
      await apply(proxy.env.FROM_MIGRATIONS, await readFile(join('migrations', f), 'utf8'));
    }
    const fromSchema = await schemaOf(proxy.env.FROM_SCHEMA);
    expect(Object.keys(fromSchema)).toContain('table clients');
    expect(await schemaOf(proxy.env.FROM_MIGRATIONS)).toEqual(fromSchema);
  });

  it('0001 is idempotent, so a database made from an older schema.sql takes it as a no-op', async () => {
    await apply(proxy.env.FROM_SCHEMA, await readFile('schema.sql', 'utf8'));
    const before = await schemaOf(proxy.env.FROM_SCHEMA);
    await apply(proxy.env.FROM_SCHEMA, await readFile('migrations/0001_initial.sql', 'utf8'));
    expect(await schemaOf(proxy.env.FROM_SCHEMA)).toEqual(before);
  });
});
