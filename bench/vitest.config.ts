import { readFileSync } from 'node:fs';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { TEST_SETTINGS } from '../test/helpers/test-settings.mjs';

/**
 * In-process measurements (bench/in-process/): inside workerd with the real
 * local bindings, like the tests, but outside `npm test`, because they assert
 * nothing about behaviour and only print timings (DESIGN.md "Performance is
 * measured": timing never goes into pass/fail tests).
 */
export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: './wrangler.toml' },
      miniflare: {
        bindings: {
          ...TEST_SETTINGS,
          TEST_SCHEMA_SQL: readFileSync('./schema.sql', 'utf8'),
          // PERF_FULL=false cuts the loops of perf-hotpaths.test.ts to a smoke run.
          PERF_FULL: process.env.PERF_FULL ?? 'true',
        },
      },
    }),
  ],
  test: {
    include: ['bench/in-process/**/*.test.ts'],
    setupFiles: ['./test/helpers/setup.ts'],
    testTimeout: 600_000,
  },
});
