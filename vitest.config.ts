import { readFileSync } from 'node:fs';
import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig, defineProject } from 'vitest/config';
import { collect, logScanReporter } from './test/audit/log-scan.mjs';

/** Tests run inside workerd against local KV, D1 and Durable Objects (wrangler.toml), with test-only settings. */
const workers = defineProject({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          ISSUER: 'https://op.example',
          ADMIN_TOKEN: 'test-admin-token',
          CLIENT_SECRET_KEY: 'test-client-secret-key-0123456789abcdef',
          DEMO_CLIENT_SECRET: 'test-demo-secret',
          TEST_SCHEMA_SQL: readFileSync('./schema.sql', 'utf8'),
          // Property tests: `npm run fuzz` raises the case count and picks a seed (scripts/fuzz.mjs).
          FUZZ_RUNS: process.env.FUZZ_RUNS ?? '',
          FUZZ_SEED: process.env.FUZZ_SEED ?? '',
          // PERF_FULL=true runs the full micro-benchmark loops of test/unit/perf-hotpaths.test.ts.
          PERF_FULL: process.env.PERF_FULL ?? 'false',
        },
      },
    }),
  ],
  test: {
    name: 'workers',
    include: ['test/{unit,storage,flows,security}/**/*.test.ts'],
    setupFiles: ['./test/helpers/setup.ts'],
    testTimeout: 20_000,
  },
});

/**
 * Two projects: `workers` (issuer https://op.example) and `outbound`
 * (test/outbound/vitest.config.mjs: a local issuer and a real local relying
 * party, so outbound calls to loopback pass the guard).
 * `npx vitest run` runs both; `--project workers` or `--project outbound` one.
 */
export default defineConfig({
  test: {
    projects: [workers, './test/outbound/vitest.config.mjs'],
    reporters: ['default', logScanReporter],
    onConsoleLog: collect,
  },
});
