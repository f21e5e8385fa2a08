import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cloudflareTest } from '@cloudflare/vitest-pool-workers';
import { defineProject } from 'vitest/config';
import { TEST_SETTINGS } from '../helpers/test-settings.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));

/**
 * The `outbound` project: adapters that call out of the Worker (back-channel
 * logout to a real local relying party, rp-server.mjs). The issuer is local
 * here, so the outbound guard admits loopback URLs. The delivery queue keeps
 * wrangler.toml's settings except fewer retries and no backoff, so the
 * dead-letter path is reached in seconds. Paths are relative to this folder.
 */
export default defineProject({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: `${root}/wrangler.toml` },
      miniflare: {
        bindings: {
          ...TEST_SETTINGS,
          ISSUER: 'http://localhost:8787',
          TEST_SCHEMA_SQL: readFileSync(`${root}/schema.sql`, 'utf8'),
          BACKCHANNEL_RETRY_DELAY: '0',
        },
        queueConsumers: {
          'portcullis-backchannel-logout': { maxBatchSize: 10, maxBatchTimeout: 1, maxRetries: 2, deadLetterQueue: 'portcullis-backchannel-logout-dlq' },
        },
      },
    }),
  ],
  test: {
    name: 'outbound',
    include: ['**/*.test.ts'],
    setupFiles: ['../helpers/setup.ts'],
    globalSetup: ['./rp-server.mjs'],
    testTimeout: 30_000,
  },
});
