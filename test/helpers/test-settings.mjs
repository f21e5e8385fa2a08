import { readFileSync } from 'node:fs';

/**
 * Hermetic settings: wrangler hands the plugin a developer's `.dev.vars` (or
 * `.env`) on top of wrangler.toml's [vars], so a local `REQUIRE_PAR=true` would
 * change what every test sees. Every setting of src/config.ts is therefore
 * bound here explicitly; an empty string means "unset" (the documented default).
 * The names are read from the SETTINGS table's source (Vite's config loader is
 * kept off src/); test/unit/config.test.ts proves every setting is bound.
 */
const SETTING_NAMES = [...readFileSync(new URL('../../src/config.ts', import.meta.url), 'utf8').matchAll(/(?:integer|flag|text)\('([A-Z0-9_]+)'|\benv: '([A-Z0-9_]+)'/g)].map((m) => m[1] ?? m[2]);
const unset = Object.fromEntries(SETTING_NAMES.map((name) => [name, '']));

/** The settings every test runs with. */
export const TEST_SETTINGS = {
  ...unset,
  ISSUER: 'https://op.example',
  ADMIN_TOKEN: 'test-admin-token',
  CLIENT_SECRET_KEY: 'test-client-secret-key-0123456789abcdef',
  DEMO_CLIENT_SECRET: 'test-demo-secret',
};

