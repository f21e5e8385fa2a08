import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { scratchProject } from './harness.mjs';

/** `npm run setup` against the recording fake wrangler (test/scripts/fake-wrangler.mjs). */
let project;
afterEach(() => project?.remove());

const line = (call) => call.argv.join(' ');
const DEPLOY = ['--config', 'wrangler.deploy.toml'];

describe('npm run setup, a first run and a second', () => {
  let first;
  let run;
  beforeAll(() => {
    first = scratchProject();
    run = first.run('setup', ['--domain', 'id.example.com']);
  });
  afterAll(() => first.remove());

  it('creates the KV namespace, D1 database and both queues, writes their ids, migrates and sets the secrets, in this order', () => {
    const project = first;
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const calls = project.calls();
    expect(calls.map(line)).toEqual([
      'kv namespace list', 'kv namespace create portcullis-PAR_KV', 'kv namespace list',
      'd1 list --json', 'd1 create portcullis', 'd1 list --json',
      'queues list', 'queues create portcullis-backchannel-logout', 'queues create portcullis-backchannel-logout-dlq',
      'd1 migrations apply portcullis --remote --config wrangler.deploy.toml',
      'secret list --config wrangler.deploy.toml',
      'secret put ADMIN_TOKEN --config wrangler.deploy.toml', 'secret put CLIENT_SECRET_KEY --config wrangler.deploy.toml',
    ]);
    const state = project.state();
    const deploy = project.read('wrangler.deploy.toml');
    expect(deploy).toContain(`id = "${state.kv[0].id}"`);
    expect(deploy).toContain(`database_id = "${state.d1[0].uuid}"`);
    expect(deploy).toContain('ISSUER = "https://id.example.com"');
    expect(deploy).toMatch(/\[\[routes\]\]\npattern = "id\.example\.com"\ncustom_domain = true/);
    expect(project.read('wrangler.toml')).toContain('id = "portcullis-par-local"');
    expect(state.applied).toEqual(readdirSync('migrations').filter((f) => f.endsWith('.sql')).sort());
  });

  it('sends generated secrets on stdin only, and shows the admin token once and no other secret', () => {
    const puts = first.calls().filter((c) => c.argv[1] === 'put');
    expect(puts).toHaveLength(2);
    for (const put of puts) {
      expect(put.stdin).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(put.argv.join(' ')).not.toContain(put.stdin);
    }
    const [admin, key] = puts.map((p) => p.stdin);
    expect(admin).not.toBe(key);
    expect(run.stdout.split(admin).length - 1).toBe(1);
    expect(run.stdout).not.toContain(key);
  });

  it('can be re-run: keeps what exists, creates nothing, replaces no secret and says so', () => {
    const project = first;
    const written = project.read('wrangler.deploy.toml');
    project.clearCalls();
    const again = project.run('setup');
    expect(again.status).toBe(0);
    expect(project.calls().map(line)).toEqual([
      'kv namespace list', 'd1 list --json', 'queues list',
      'd1 migrations apply portcullis --remote --config wrangler.deploy.toml', 'secret list --config wrangler.deploy.toml',
    ]);
    expect(project.read('wrangler.deploy.toml')).toBe(written);
    expect(again.stdout).toContain('kept     KV namespace portcullis-PAR_KV');
    expect(again.stdout).toContain('kept     secret ADMIN_TOKEN');
    expect(again.stdout).not.toContain('ADMIN_TOKEN (shown this once');
  });
});

describe('npm run setup', () => {

  it('adopts resources that already exist in the account by name', () => {
    project = scratchProject();
    project.write('.fake-wrangler/state.json', JSON.stringify({
      kv: [{ id: 'a'.repeat(32), title: 'portcullis-PAR_KV' }], d1: [{ uuid: '11111111-2222-4333-8444-555555555555', name: 'portcullis' }],
      queues: ['portcullis-backchannel-logout'], secrets: [], worker: false, applied: [],
    }));
    expect(project.run('setup', ['--domain', 'id.example.com']).status).toBe(0);
    expect(project.calls().map(line).filter((l) => l.includes(' create '))).toEqual(['queues create portcullis-backchannel-logout-dlq']);
    expect(project.read('wrangler.deploy.toml')).toContain(`id = "${'a'.repeat(32)}"`);
    expect(project.read('wrangler.deploy.toml')).toContain('database_id = "11111111-2222-4333-8444-555555555555"');
  });

  it('with --signing-keys sets SIGNING_KEYS to a private JWKS with one key per SIGNING_ALGS entry, never printed', () => {
    project = scratchProject();
    const run = project.run('setup', ['--domain', 'id.example.com', '--signing-keys']);
    expect(run.status).toBe(0);
    const put = project.calls().find((c) => c.argv.slice(0, 3).join(' ') === 'secret put SIGNING_KEYS');
    expect(put.argv).toEqual(['secret', 'put', 'SIGNING_KEYS', ...DEPLOY]);
    const jwks = JSON.parse(put.stdin);
    expect(jwks.keys.map((k) => k.alg)).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
    for (const k of jwks.keys) {
      expect(k).toMatchObject({ use: 'sig', kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), d: expect.any(String) });
      expect(run.stdout).not.toContain(k.d);
    }
  });

  it('with --admin-token-file writes the admin token there, mode 0600, and not to the terminal', () => {
    project = scratchProject();
    const run = project.run('setup', ['--domain', 'id.example.com', '--admin-token-file', 'admin-token.txt']);
    expect(run.status).toBe(0);
    const admin = project.calls().find((c) => c.argv[2] === 'ADMIN_TOKEN').stdin;
    expect(project.read('admin-token.txt')).toBe(`${admin}\n`);
    expect(statSync(join(project.dir, 'admin-token.txt')).mode & 0o777).toBe(0o600);
    expect(run.stdout).not.toContain(admin);
  });

  it('refuses to start without a domain when it cannot ask, or with a local one, before calling wrangler', () => {
    project = scratchProject();
    const none = project.run('setup');
    expect(none.status).toBe(1);
    expect(none.stderr).toContain('npm run setup -- --domain id.example.com');
    const local = project.run('setup', ['--domain', 'localhost']);
    expect(local.status).toBe(1);
    expect(local.stderr).toContain('--domain must be a public host name');
    expect(project.calls()).toEqual([]);
    expect(project.exists('wrangler.deploy.toml')).toBe(false);
  });

  it('stops at the first failing wrangler call and names it', () => {
    project = scratchProject();
    const run = project.run('setup', ['--domain', 'id.example.com'], { FAKE_WRANGLER_FAIL: 'd1 list' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('setup stopped: wrangler d1 list --json failed');
    expect(run.stderr).toContain('Authentication error');
    expect(project.exists('wrangler.deploy.toml')).toBe(false);
  });
});
