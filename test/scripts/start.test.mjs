import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { scratchProject } from './harness.mjs';

/** `npm start`'s checks and local database steps, against the recording fake wrangler. */
let project;
afterEach(() => project?.remove());

const line = (call) => call.argv.join(' ');
const free = () => new Promise((resolve) => {
  const s = createServer().listen(0, '127.0.0.1', () => {
    const { port } = s.address();
    s.close(() => resolve(port));
  });
});

describe('npm start', () => {
  it('refuses a bad setting before starting anything, naming the setting (README: Configuration)', async () => {
    project = scratchProject();
    const run = project.run('start', ['--port', String(await free()), '--var', 'PAR_LIFETIME:1']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('npm start: Invalid configuration: PAR_LIFETIME must be an integer from 5 to 600, got "1"');
    expect(project.calls()).toEqual([]);
  });

  it('checks the values of .dev.vars too', async () => {
    project = scratchProject();
    project.write('.dev.vars', 'ADMIN_TOKEN=x\nDEMO_CLIENT_SECRET=demo-secret\nACCESS_TOKEN_ALG=HS256\n');
    const run = project.run('start', ['--port', String(await free())]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('Invalid configuration: ACCESS_TOKEN_ALG must be one of SIGNING_ALGS');
  });

  it('fails clearly when the port is taken, instead of serving elsewhere than the issuer it announces', async () => {
    project = scratchProject();
    const busy = createServer();
    const port = await new Promise((resolve) => busy.listen(0, '127.0.0.1', () => resolve(busy.address().port)));
    try {
      const run = project.run('start', ['--port', String(port)]);
      expect(run.status).toBe(1);
      expect(run.stderr).toContain(`npm start: port ${port} on 127.0.0.1 is taken: stop what uses it, or choose another with npm start -- --port 9000`);
      expect(project.calls()).toEqual([]);
    } finally {
      busy.close();
    }
  });

  it('migrates the local database, then runs wrangler dev with the flags unchanged and the port\'s issuer', async () => {
    project = scratchProject();
    const port = await free();
    const run = project.run('start', ['--port', String(port), '--var', 'ADMIN_TOKEN:s3cret']);
    expect(run.status).toBe(0);
    const calls = project.calls().map(line);
    expect(calls[0]).toBe("d1 execute portcullis --local --json --command SELECT name FROM sqlite_master WHERE type = 'table' AND name IN ('clients', 'd1_migrations')");
    expect(calls[1]).toBe('d1 migrations apply portcullis --local');
    expect(calls[2]).toMatch(/^d1 execute portcullis --local --command INSERT OR REPLACE INTO clients/);
    expect(calls[3]).toBe(`dev --port ${port} --var ADMIN_TOKEN:s3cret --var ISSUER:http://localhost:${port}`);
    expect(calls).toHaveLength(4);
  });

  it('shows the admin token in effect: --var ADMIN_TOKEN over .dev.vars', async () => {
    project = scratchProject();
    const fromFlag = project.run('start', ['--port', String(await free()), '--var', 'ADMIN_TOKEN:s3cret']);
    expect(fromFlag.stdout).toContain('admin API:    Authorization: Bearer s3cret (--var ADMIN_TOKEN)');
    expect(fromFlag.stdout).not.toContain('Bearer dev-admin-token');
    const fromFile = project.run('start', ['--port', String(await free())]);
    expect(fromFile.stdout).toContain('admin API:    Authorization: Bearer dev-admin-token (.dev.vars)');
  });

  it('brings a local database made from schema.sql before migrations/ up to date, once', async () => {
    project = scratchProject();
    project.write('.fake-wrangler/state.json', JSON.stringify({
      kv: [], d1: [], queues: [], secrets: [], worker: false, applied: [],
      local: { tables: ['clients'], columns: { clients: ['client_id', 'client_name'] } },
    }));
    expect(project.run('start', ['--port', String(await free())]).status).toBe(0);
    expect(project.calls().map(line).slice(1, 4)).toEqual([
      'd1 execute portcullis --local --json --command PRAGMA table_info(clients)',
      'd1 execute portcullis --local --command ALTER TABLE clients ADD COLUMN allowed_origins TEXT',
      'd1 migrations apply portcullis --local',
    ]);
  });
});
