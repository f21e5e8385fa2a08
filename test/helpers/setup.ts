import { env } from 'cloudflare:workers';

/** Applies schema.sql (idempotent) to the test D1 database before each file's tests. */
const statements = (env as unknown as { TEST_SCHEMA_SQL: string }).TEST_SCHEMA_SQL
  .replace(/--.*$/gm, '')
  .split(';')
  .map((s) => s.trim())
  .filter(Boolean);
await (env as unknown as { DB: D1Database }).DB.batch(statements.map((s) => (env as unknown as { DB: D1Database }).DB.prepare(s)));
