import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The self-check tier (`npm run test:check`): runs in Node, starts `wrangler
 * dev` on a loopback port (test/browser/wrangler-dev.mjs) and runs
 * `bin/portcullis.mjs check` against it as a child process, for its exit
 * status and `--json` output. Named `check` beside the `workers`/`outbound`
 * projects of vitest.config.ts and the browser tier.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    name: 'check',
    include: ['test/check/**/*.test.mjs'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
