#!/usr/bin/env node
/**
 * `npm run fuzz`: the property-based bad-input tests (test/security/property-*.test.ts)
 * with many more cases than `npm test` runs, under a random or given seed.
 *
 *   npm run fuzz                          # FUZZ_RUNS=2000, random seed (printed)
 *   FUZZ_RUNS=500 FUZZ_SEED=42 npm run fuzz
 *   npm run fuzz -- property-token        # only matching files
 *
 * The tests run inside workerd and cannot read process.env: vitest.config.ts
 * passes FUZZ_RUNS and FUZZ_SEED to them as miniflare bindings. A failure
 * prints fast-check's seed and path; rerun with that FUZZ_SEED to reproduce.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runs = process.env.FUZZ_RUNS ?? '2000';
const seed = process.env.FUZZ_SEED ?? String(Math.floor(Math.random() * 2 ** 31));
if (!/^\d+$/.test(runs) || !/^\d+$/.test(seed)) {
  console.error('fuzz: FUZZ_RUNS and FUZZ_SEED must be non-negative integers');
  process.exit(2);
}
if (!readFileSync(join(root, 'vitest.config.ts'), 'utf8').includes('FUZZ_RUNS')) {
  console.warn('fuzz: vitest.config.ts does not pass FUZZ_RUNS / FUZZ_SEED to the tests; they will run with their npm test defaults');
}

const filters = process.argv.slice(2);
console.log(`fuzz: FUZZ_RUNS=${runs} FUZZ_SEED=${seed}${filters.length ? ` files: ${filters.join(' ')}` : ''}`);
const started = Date.now();
const result = spawnSync(
  process.execPath,
  [join(root, 'node_modules/vitest/vitest.mjs'), 'run', ...(filters.length ? filters : ['test/security/property-']), '--testTimeout=0', '--silent=false'],
  { cwd: root, stdio: 'inherit', env: { ...process.env, FUZZ_RUNS: runs, FUZZ_SEED: seed } },
);
console.log(`fuzz: ${result.status === 0 ? 'passed' : 'FAILED'} in ${Math.round((Date.now() - started) / 1000)} s (FUZZ_RUNS=${runs} FUZZ_SEED=${seed})`);
process.exit(result.status ?? 1);
