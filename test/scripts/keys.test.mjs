import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { calculateJwkThumbprint } from 'jose';
import { describe, expect, it } from 'vitest';

/** `npm run keys`: a private JWKS for the SIGNING_KEYS secret. */
const keys = (args = []) => spawnSync(process.execPath, ['scripts/keys.mjs', ...args], { encoding: 'utf8' });
const PUBLIC = { EC: ['crv', 'x', 'y'], OKP: ['crv', 'x'], RSA: ['e', 'n'] };

describe('npm run keys', () => {
  it('prints one private key per SIGNING_ALGS entry, each with kid (RFC 7638 thumbprint), alg and use=sig (RFC 7517 §4)', async () => {
    const run = keys();
    expect(run.status).toBe(0);
    const jwks = JSON.parse(run.stdout);
    expect(jwks.keys.map((k) => [k.kty, k.alg])).toEqual([['EC', 'ES256'], ['OKP', 'EdDSA'], ['RSA', 'PS256'], ['RSA', 'RS256']]);
    for (const k of jwks.keys) {
      expect(k.use).toBe('sig');
      expect(k.d).toEqual(expect.any(String));
      const publicPart = Object.fromEntries([['kty', k.kty], ...PUBLIC[k.kty].map((m) => [m, k[m]])]);
      expect(k.kid).toBe(await calculateJwkThumbprint(publicPart));
    }
  });

  it('takes --algs, and refuses a list the Worker would refuse, naming the rule', () => {
    expect(JSON.parse(keys(['--algs', 'ES256,RS256']).stdout).keys.map((k) => k.alg)).toEqual(['ES256', 'RS256']);
    const refused = keys(['--algs', 'ES256']);
    expect(refused.status).toBe(1);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('Invalid configuration: --algs must include RS256 (OpenID Connect Core §15.1)');
  });

  it('with --out writes the keys to a new file readable by its owner only (0600) and prints no key', () => {
    const dir = mkdtempSync(join(tmpdir(), 'portcullis-keys-'));
    try {
      const out = join(dir, 'signing-keys.json');
      const run = keys(['--algs', 'ES256,RS256', '--out', out]);
      expect(run.status).toBe(0);
      expect(run.stdout).toBe('');
      expect(statSync(out).mode & 0o777).toBe(0o600);
      expect(JSON.parse(readFileSync(out, 'utf8')).keys).toHaveLength(2);
      expect(keys(['--out', out]).status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
