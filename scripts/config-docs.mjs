#!/usr/bin/env node
/**
 * `npm run docs:config`: writes README.md's configuration table from the
 * SETTINGS table in src/config.ts (via scripts/config-table.ts).
 * `--check` writes nothing and exits 1 when README.md is out of date.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const readmePath = join(root, 'README.md');

const bundle = await build({
  entryPoints: [join(root, 'scripts/config-table.ts')], bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'error',
});
const { renderConfigTable, withTable } = await import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);

const readme = readFileSync(readmePath, 'utf8');
const updated = withTable(readme, renderConfigTable());
if (process.argv.includes('--check')) {
  if (updated !== readme) {
    console.error('README.md configuration table is out of date: run npm run docs:config');
    process.exit(1);
  }
  console.log('README.md configuration table is up to date');
} else {
  writeFileSync(readmePath, updated);
  console.log(updated === readme ? 'README.md configuration table unchanged' : 'README.md configuration table written');
}
