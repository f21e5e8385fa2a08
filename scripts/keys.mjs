#!/usr/bin/env node
/**
 * `npm run keys [-- --algs ES256,RS256] [--out file]`: a new private JWKS for the
 * SIGNING_KEYS secret, one key per algorithm of SIGNING_ALGS (wrangler.toml [vars],
 * else the default). Printed to stdout, or written to `--out` readable by you only (0600):
 *   npm run keys --silent | npx wrangler secret put SIGNING_KEYS --config wrangler.deploy.toml
 */
import { writeFileSync } from 'node:fs';
import { readConfig, resourcesOf } from './lib/deploy-config.mjs';
import { privateJwks, signingAlgs } from './lib/signing-keys.mjs';

const args = process.argv.slice(2);
const option = (name) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};

try {
  const algs = await signingAlgs(resourcesOf(readConfig('wrangler.toml') ?? '').vars, option('--algs'));
  const jwks = `${JSON.stringify(await privateJwks(algs))}\n`;
  const out = option('--out');
  if (out) {
    writeFileSync(out, jwks, { mode: 0o600, flag: 'wx' });
    console.error(`wrote ${out} (mode 0600): private keys for ${algs.join(', ')}`);
  } else {
    process.stdout.write(jwks);
  }
} catch (error) {
  console.error(error.message);
  process.exit(1);
}
