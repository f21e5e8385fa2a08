import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderDeployConfig } from '../../scripts/lib/deploy-config.mjs';
import { scratchProject } from './harness.mjs';

/** `npm run deploy` against the recording fake wrangler: its refusals and the one deploy call. */
let project;
let provisioned;
beforeAll(() => {
  project = scratchProject();
  expect(project.run('setup', ['--domain', 'id.example.com']).status).toBe(0);
  provisioned = project.read('wrangler.deploy.toml');
});
afterAll(() => project.remove());
beforeEach(() => {
  project.write('wrangler.deploy.toml', provisioned);
  project.clearCalls();
});

const line = (call) => call.argv.join(' ');
const deployed = () => project.calls().some((c) => c.argv[0] === 'deploy');

describe('npm run deploy', () => {
  it('checks the remote D1 migrations, then deploys with wrangler.deploy.toml, passing other flags through', () => {
    const run = project.run('deploy', ['--dry-run']);
    expect(run.status).toBe(0);
    expect(project.calls().map(line)).toEqual([
      'd1 migrations list portcullis --remote --config wrangler.deploy.toml',
      'deploy --config wrangler.deploy.toml --dry-run',
    ]);
  });

  it('refuses an issuer that is a localhost or http URL', () => {
    for (const issuer of ['http://localhost:8787', 'https://localhost', 'https://127.0.0.1:8443', 'http://id.example.com']) {
      project.write('wrangler.deploy.toml', provisioned.replace('ISSUER = "https://id.example.com"', `ISSUER = "${issuer}"`));
      const run = project.run('deploy');
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`deploy refused:\n  - ISSUER ${issuer} is a local or http URL`);
    }
    expect(project.calls()).toEqual([]);
  });

  it('refuses bindings that still hold the local placeholder ids', () => {
    project.write('wrangler.deploy.toml', renderDeployConfig(project.read('wrangler.toml'), { domain: 'id.example.com' }));
    const run = project.run('deploy');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('KV binding PAR_KV still holds the local placeholder id "portcullis-par-local"');
    expect(run.stderr).toContain('D1 binding DB still holds the local placeholder id "00000000-0000-4000-8000-000000000000"');
    expect(project.calls()).toEqual([]);
  });

  it('refuses without wrangler.deploy.toml and points to npm run setup', () => {
    project.unlink('wrangler.deploy.toml');
    const run = project.run('deploy');
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('wrangler.deploy.toml is missing: provision first with npm run setup -- --domain id.example.com');
    expect(project.calls()).toEqual([]);
  });

  it('refuses when the remote D1 schema is behind the code, and --migrate applies the migrations first', () => {
    project.write('migrations/0002_example.sql', 'ALTER TABLE clients ADD COLUMN example TEXT;\n');
    try {
      const behind = project.run('deploy');
      expect(behind.status).toBe(1);
      expect(behind.stderr).toContain('the D1 database portcullis is behind the code: 0002_example.sql not applied');
      expect(deployed()).toBe(false);
      project.clearCalls();
      const migrated = project.run('deploy', ['--migrate']);
      expect(migrated.status).toBe(0);
      expect(project.calls().map(line)).toEqual([
        'd1 migrations list portcullis --remote --config wrangler.deploy.toml',
        'd1 migrations apply portcullis --remote --config wrangler.deploy.toml',
        'd1 migrations list portcullis --remote --config wrangler.deploy.toml',
        'deploy --config wrangler.deploy.toml',
      ]);
    } finally {
      project.unlink('migrations/0002_example.sql');
    }
  });

  it('renders wrangler.deploy.toml again from the current wrangler.toml, keeping the ids, issuer and domain', () => {
    const base = project.read('wrangler.toml');
    project.write('wrangler.toml', base.replace('PAR_LIFETIME = "60"', 'PAR_LIFETIME = "90"'));
    try {
      const run = project.run('deploy');
      expect(run.status).toBe(0);
      expect(run.stdout).toContain('updated  wrangler.deploy.toml from wrangler.toml');
      expect(project.read('wrangler.deploy.toml')).toBe(provisioned.replace('PAR_LIFETIME = "60"', 'PAR_LIFETIME = "90"'));
    } finally {
      project.write('wrangler.toml', base);
    }
  });
});
