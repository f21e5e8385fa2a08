/**
 * Imports TypeScript from src/ into a Node script (bundled by esbuild, which
 * wrangler ships), so the scripts use the Worker's own code: SETTINGS and
 * parseConfig from src/config.ts, key generation from src/crypto/keys.ts.
 */
import { join } from 'node:path';
import { build } from 'esbuild';
import { root } from './wrangler.mjs';

/** The module at `path` (relative to the repository root), bundled with its imports. */
export async function importTs(path) {
  const bundle = await build({ entryPoints: [join(root, path)], bundle: true, format: 'esm', platform: 'neutral', write: false, logLevel: 'error' });
  return import(`data:text/javascript;base64,${Buffer.from(bundle.outputFiles[0].text).toString('base64')}`);
}
