import { execFile } from 'node:child_process';
import { createServer } from 'node:http';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWorker } from '../browser/wrangler-dev.mjs';

const run = promisify(execFile);
const ADMIN_TOKEN = `check-admin-${crypto.randomUUID()}`;

/** Runs `portcullis check` as a user would (the package's bin); resolves to its exit code, stdout and parsed --json. */
async function check(args, env = {}) {
  try {
    const { stdout } = await run('node', ['bin/portcullis.mjs', 'check', ...args], { env: { ...process.env, NO_COLOR: '1', ...env }, timeout: 90_000 });
    return { code: 0, stdout, json: args.includes('--json') ? JSON.parse(stdout) : undefined };
  } catch (error) {
    if (typeof error.code !== 'number') throw error;
    return { code: error.code, stdout: error.stdout, json: args.includes('--json') ? JSON.parse(error.stdout) : undefined };
  }
}
const statuses = (json) => Object.fromEntries(json.checks.map((c) => [c.id, c.status]));

describe('portcullis check against a local server (DESIGN.md contract 6)', () => {
  let worker;
  beforeAll(async () => {
    worker = await startWorker({ adminToken: ADMIN_TOKEN });
  });
  afterAll(async () => {
    await worker?.stop();
  });

  it('passes every check, round trip included, and exits 0 (only http on loopback is a warning)', async () => {
    const { code, json } = await check([worker.issuer, '--json'], { PORTCULLIS_ADMIN_TOKEN: ADMIN_TOKEN });
    const byId = statuses(json);
    expect(byId).toMatchObject({
      'discovery.document': 'pass', 'issuer.matches': 'pass', 'issuer.https': 'warn', 'issuer.hsts': 'skip',
      'discovery.authorization_endpoint': 'pass', 'discovery.token_endpoint': 'pass', 'discovery.userinfo_endpoint': 'pass',
      'discovery.jwks_uri': 'pass', 'discovery.revocation_endpoint': 'pass', 'discovery.introspection_endpoint': 'pass',
      'discovery.pushed_authorization_request_endpoint': 'pass', 'discovery.end_session_endpoint': 'pass', 'discovery.check_session_iframe': 'pass',
      'discovery.oauth_metadata': 'pass', 'discovery.unadvertised': 'pass', 'jwks.keys': 'pass', 'jwks.cache': 'pass',
      'par.unauthenticated': 'pass', 'par.get': 'pass', 'par.no_store': 'pass', 'pages.error_headers': 'pass',
      'roundtrip.admin': 'pass', 'roundtrip.par': 'pass', 'pages.login_headers': 'pass', 'pages.cookies': 'pass', 'roundtrip.login': 'pass',
      'roundtrip.token': 'pass', 'roundtrip.userinfo': 'pass', 'roundtrip.revoke': 'pass', 'roundtrip.cleanup': 'pass',
    });
    expect(json.checks.filter((c) => c.status !== 'pass').map((c) => c.id)).toEqual(['issuer.https', 'issuer.hsts']);
    expect(json).toMatchObject({ issuer: worker.issuer, ok: true, counts: { fail: 0, warn: 1, skip: 1 } });
    expect(code).toBe(0);
  });

  it('deletes the temporary client and user after the round trip (contract 3)', async () => {
    const { json } = await check([worker.issuer, '--json', '--admin-token', ADMIN_TOKEN]);
    const made = json.checks.find((c) => c.id === 'roundtrip.admin').detail;
    const [, sub, clientId] = /^user (\S+), client (\S+)$/.exec(made);
    const auth = { authorization: `Bearer ${ADMIN_TOKEN}` };
    expect((await fetch(`${worker.issuer}/admin/users/${sub}`, { headers: auth })).status).toBe(404);
    expect((await fetch(`${worker.issuer}/admin/clients/${clientId}`, { headers: auth })).status).toBe(404);
  });

  it('fails the round trip with a wrong admin token, exits 1, and skips it without one', async () => {
    const wrong = await check([worker.issuer, '--json', '--admin-token', 'not-the-token']);
    expect(statuses(wrong.json)).toMatchObject({ 'roundtrip.admin': 'fail', 'roundtrip.par': 'skip', 'roundtrip.cleanup': 'skip' });
    expect(wrong.code).toBe(1);
    const none = await check([worker.issuer, '--json'], { PORTCULLIS_ADMIN_TOKEN: '' });
    expect(statuses(none.json)).toMatchObject({ roundtrip: 'skip' });
    expect(none.code).toBe(0);
  });

  it('prints one line per check on one screen, with PASS/WARN/FAIL marks', async () => {
    const { code, stdout } = await check([worker.issuer]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^PASS {2}discovery issuer equals the URL given — /m);
    expect(stdout).toMatch(/^WARN {2}issuer uses https — /m);
    expect(stdout.trim().split('\n').length).toBeLessThan(40);
  });
});

describe('portcullis check against a server whose discovery lies', () => {
  let server;
  let origin;
  beforeAll(async () => {
    server = createServer((req, res) => {
      if (req.url === '/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ issuer: origin, authorization_endpoint: `${origin}/authorize`, token_endpoint: `${origin}/token`, jwks_uri: `${origin}/jwks` }));
      } else if (req.url === '/other/.well-known/openid-configuration') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ issuer: origin, token_endpoint: `${origin}/token` }));
      } else if (req.url === '/oauth/token') {
        res.writeHead(400, { 'content-type': 'application/json' });
        res.end('{"error":"invalid_request"}');
      } else {
        res.writeHead(404).end();
      }
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${server.address().port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('fails an advertised endpoint that answers 404 and an unadvertised one that answers, and exits 1 (OIDC Discovery §3)', async () => {
    const { code, json } = await check([origin, '--json']);
    const byId = statuses(json);
    expect(byId).toMatchObject({ 'discovery.token_endpoint': 'fail', 'discovery.authorization_endpoint': 'fail', 'discovery.unadvertised': 'fail', 'jwks.keys': 'fail' });
    expect(json.checks.find((c) => c.id === 'discovery.token_endpoint').detail).toBe(
      `POST ${origin}/token → 404 (expected 400 or 401: unknown client: invalid_client or invalid_request (RFC 6749 §5.2))`,
    );
    expect(json.checks.find((c) => c.id === 'discovery.unadvertised').detail).toBe('POST /oauth/token → 400 invalid_request');
    expect(json.ok).toBe(false);
    expect(code).toBe(1);
    const text = await check([origin]);
    expect(text.stdout).toMatch(/^FAIL {2}token_endpoint answers as advertised — /m);
    expect(text.code).toBe(1);
  });

  it('fails when the discovery document names another issuer (OIDC Discovery §4.3)', async () => {
    const { code, json } = await check([`${origin}/other`, '--json']);
    expect(statuses(json)).toMatchObject({ 'discovery.document': 'pass', 'issuer.matches': 'fail' });
    expect(json.checks.find((c) => c.id === 'issuer.matches').detail).toBe(`discovery names "${origin}", given "${origin}/other" (OIDC Discovery §4.3: they must be identical)`);
    expect(code).toBe(1);
  });

  it('fails with one line when there is no discovery document (OIDC Discovery §4)', async () => {
    const { code, json } = await check([`${origin}/tenant`, '--json']);
    expect(statuses(json)).toEqual({ 'discovery.document': 'fail' });
    expect(code).toBe(1);
  });

  it('answers bad usage with exit status 2', async () => {
    expect((await check([])).code).toBe(2);
    expect((await check(['not a url'])).code).toBe(2);
  });
});
