import { readFileSync } from 'node:fs';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig, defineProject } from 'vitest/config';
import { collect, logScanReporter } from './test/audit/log-scan.mjs';
import { TEST_SETTINGS } from './test/helpers/test-settings.mjs';


/** Tests run inside workerd against local KV, D1 and Durable Objects (wrangler.toml), with test-only settings. */
const workers = defineProject({
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
    name: 'workers',
    // `npm run test:fast` narrows this to test/unit, test/objects and test/storage by path filter.
    include: ['test/{unit,objects,storage,flows,security}/**/*.test.ts'],
    setupFiles: ['./test/helpers/setup.ts'],
    // A real local HTTP server for the outbound-fetch tests (jwks_uri); its port is `inject('rpServerPort')`.
    globalSetup: ['./test/helpers/http-server.global.mjs'],
    testTimeout: 20_000,
  },
});

/**
 * The operator scripts (setup, keys, deploy, start) and the D1 migrations, in Node: the scripts
 * against a recording fake `wrangler` on PATH (test/scripts/fake-wrangler.mjs), the migrations
 * on the real local D1 simulator.
 */
const scripts = defineProject({
  test: {
    name: 'scripts',
    include: ['test/scripts/**/*.test.mjs'],
    environment: 'node',
    testTimeout: 60_000,
    hookTimeout: 180_000,
  },
});

/**
 * Three projects: `workers` (issuer https://op.example), `outbound`
 * (test/outbound/vitest.config.mjs: a local issuer and a real local relying
 * party, so outbound calls to loopback pass the guard) and `scripts` (Node).
 * `npx vitest run` runs all; `--project workers` (or `outbound`, `scripts`) one.
 */
export default defineConfig({
  test: {
    projects: [workers, './test/outbound/vitest.config.mjs', scripts],
    reporters: ['default', logScanReporter],
    onConsoleLog: collect,
  },
});
