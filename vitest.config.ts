import { readFileSync } from 'node:fs';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { collect, logScanReporter } from './test/audit/log-scan.mjs';

/**
 * Hermetic settings: wrangler hands the plugin a developer's `.dev.vars` (or
 * `.env`) on top of wrangler.toml's [vars], so a local `REQUIRE_PAR=true` would
 * change what every test sees. Every setting of src/config.ts is therefore
 * bound here explicitly; an empty string means "unset" (the documented default).
 * The names are read from the SETTINGS table's source (Vite's config loader is
 * kept off src/); test/unit/config.test.ts proves every setting is bound.
 */
const SETTING_NAMES = [...readFileSync('./src/config.ts', 'utf8').matchAll(/(?:integer|flag|text)\('([A-Z0-9_]+)'|\benv: '([A-Z0-9_]+)'/g)].map((m) => m[1] ?? m[2]);
const unset = Object.fromEntries(SETTING_NAMES.map((name) => [name, '']));

/** The settings every test runs with. */
export const TEST_SETTINGS = {
  ...unset,
  ISSUER: 'https://op.example',
  ADMIN_TOKEN: 'test-admin-token',
  CLIENT_SECRET_KEY: 'test-client-secret-key-0123456789abcdef',
  DEMO_CLIENT_SECRET: 'test-demo-secret',
};

/** Tests run inside workerd against local KV, D1 and Durable Objects (wrangler.toml), with test-only settings. */
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          ...TEST_SETTINGS,
          TEST_SCHEMA_SQL: readFileSync('./schema.sql', 'utf8'),
          // test/unit/config.test.ts checks that README.md's configuration table matches SETTINGS.
          TEST_README_MD: readFileSync('./README.md', 'utf8'),
          // Property tests: `npm run fuzz` raises the case count and picks a seed (scripts/fuzz.mjs).
          FUZZ_RUNS: process.env.FUZZ_RUNS ?? '',
          FUZZ_SEED: process.env.FUZZ_SEED ?? '',
        },
      },
    }),
  ],
  test: {
    // `npm run test:fast` narrows this to test/unit, test/objects and test/storage by path filter.
    include: ['test/{unit,objects,storage,flows,security}/**/*.test.ts'],
    setupFiles: ['./test/helpers/setup.ts'],
    // A real local HTTP server for the outbound-fetch tests (jwks_uri); its port is `inject('rpServerPort')`.
    globalSetup: ['./test/helpers/http-server.global.mjs'],
    reporters: ['default', logScanReporter],
    onConsoleLog: collect,
    testTimeout: 20_000,
  },
});
