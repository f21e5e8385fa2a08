import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

/**
 * The real-browser tier: runs in Node (not workerd), starts `wrangler dev` on a
 * loopback port and drives headless Chromium with playwright-core.
 *   npx vitest run --config test/browser/vitest.config.mjs
 * CHROMIUM_PATH overrides /usr/bin/chromium.
 */
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/browser/**/*.browser.test.mjs'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
  },
});
