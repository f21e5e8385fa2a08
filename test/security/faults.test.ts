import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { callWith, faultyD1, faultyKv, faultyNamespace } from '../helpers/faults';
import { issueCode } from '../helpers/grant';
import { authorizeUrl, pushRequest } from '../helpers/interaction';
import { pkce } from '../helpers/rp';
import { basic, call, form, testEnv } from '../helpers/worker';
import { listPushedRequests } from '../helpers/storage-keys';

/**
 * Storage faults (issue 4): a KV, D1 or Durable Object call that fails or
 * hangs answers 503 temporarily_unavailable with Retry-After, never a 500, and
 * leaves nothing half-done: no code consumed without tokens, no revocation
 * reported that did not happen, nothing stored.
 */
async function expectUnavailable(res: Response): Promise<void> {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('5');
  expect(await res.json()).toMatchObject({ error: 'temporarily_unavailable' });
}

async function parParams() {
  return { response_type: 'code', redirect_uri: 'https://rp.example/cb', scope: 'openid', code_challenge_method: 'S256', code_challenge: (await pkce()).code_challenge };
}

async function storedFor(client_id: string): Promise<number> {
  const keys = await listPushedRequests();
  const values = await Promise.all(keys.map((k) => testEnv.PAR_KV.get<{ client_id: string }>(k.name, 'json')));
  return values.filter((v) => v?.client_id === client_id).length;
}

function tokenRequest(client: { client_id: string; client_secret?: string }, params: Record<string, string>): RequestInit {
  return { ...form(params), headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, client.client_secret!) } };
}

describe('storage faults answer 503 and change nothing (RFC 6749 §4.1.2.1 temporarily_unavailable, RFC 9110 §15.6.4)', () => {
  it('PAR: a failing KV write answers 503 with Retry-After and stores nothing', async () => {
    const client = await registerClient();
    const fetch = callWith({ PAR_KV: faultyKv(testEnv.PAR_KV, ['put']) });
    const res = await fetch('/par', tokenRequest(client, await parParams()));
    await expectUnavailable(res);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await storedFor(client.client_id)).toBe(0);
  });

  it('PAR: a KV write that never answers times out into 503 (STORAGE_TIMEOUT_MS)', async () => {
    const client = await registerClient();
    const fetch = callWith({ PAR_KV: faultyKv(testEnv.PAR_KV, ['put'], 'hang'), STORAGE_TIMEOUT_MS: '100' });
    const started = Date.now();
    await expectUnavailable(await fetch('/par', tokenRequest(client, await parParams())));
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('PAR: a failing client lookup in D1 is 503, not invalid_client (the client may well exist)', async () => {
    const client = await registerClient();
    const fetch = callWith({ DB: faultyD1() });
    await expectUnavailable(await fetch('/par', tokenRequest(client, await parParams())));
  });

  it('token: a failing grant object answers 503 and the code stays redeemable (RFC 6749 §4.1.2: single use is not spent by an outage)', async () => {
    const client = await registerClient();
    const issued = await issueCode({ client_id: client.client_id });
    const params = { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier };
    const broken = callWith({ GRANTS: faultyNamespace(testEnv.GRANTS, ['redeemCode']) });
    await expectUnavailable(await broken('/token', tokenRequest(client, params)));
    const res = await call('/token', tokenRequest(client, params));
    expect(res.status).toBe(200);
    expect(await res.json()).toHaveProperty('access_token');
  });

  it('token: a grant object that never answers times out into 503', async () => {
    const client = await registerClient();
    const issued = await issueCode({ client_id: client.client_id });
    const params = { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier };
    const broken = callWith({ GRANTS: faultyNamespace(testEnv.GRANTS, ['redeemCode'], 'hang'), STORAGE_TIMEOUT_MS: '100' });
    await expectUnavailable(await broken('/token', tokenRequest(client, params)));
  });

  it('refresh: a failing rotation answers 503 and the refresh token still works afterwards (RFC 6749 §6)', async () => {
    const client = await registerClient({ grant_types: ['authorization_code', 'refresh_token'] });
    const issued = await issueCode({ client_id: client.client_id, scope: 'openid offline_access' });
    const tokens = await (await call('/token', tokenRequest(client, { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier }))).json<{ refresh_token: string }>();
    const params = { grant_type: 'refresh_token', refresh_token: tokens.refresh_token };
    const broken = callWith({ GRANTS: faultyNamespace(testEnv.GRANTS, ['rotateRefresh', 'checkRefresh']) });
    await expectUnavailable(await broken('/token', tokenRequest(client, params)));
    expect((await call('/token', tokenRequest(client, params))).status).toBe(200);
  });

  it('revoke: an unreachable grant object is 503, never a 200 that claims a revocation that did not happen (RFC 7009 §2.2.1)', async () => {
    const client = await registerClient({ grant_types: ['authorization_code', 'refresh_token'] });
    const issued = await issueCode({ client_id: client.client_id, scope: 'openid offline_access' });
    const tokens = await (await call('/token', tokenRequest(client, { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier }))).json<{ refresh_token: string; access_token: string }>();
    const broken = callWith({ GRANTS: faultyNamespace(testEnv.GRANTS, ['revoke', 'checkRefresh', 'revokeAccessToken']) });
    await expectUnavailable(await broken('/revoke', tokenRequest(client, { token: tokens.refresh_token })));
    const userinfo = await call('/userinfo', { headers: { authorization: `Bearer ${tokens.access_token}` } });
    expect(userinfo.status).toBe(200);
  });

  it('userinfo: an unreachable grant object is 503, neither 200 (revocation unchecked) nor 401 (RFC 6750 §3.1)', async () => {
    const client = await registerClient();
    const issued = await issueCode({ client_id: client.client_id });
    const tokens = await (await call('/token', tokenRequest(client, { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier }))).json<{ access_token: string }>();
    const broken = callWith({ GRANTS: faultyNamespace(testEnv.GRANTS, ['status']) });
    await expectUnavailable(await broken('/userinfo', { headers: { authorization: `Bearer ${tokens.access_token}` } }));
  });

  it('authorize: a failing KV read shows a 503 page and redirects nowhere (RFC 6749 §4.1.2.1)', async () => {
    const client = await registerClient();
    const request_uri = await pushRequest(client, { ...(await parParams()), state: 's' });
    const broken = callWith({ PAR_KV: faultyKv(testEnv.PAR_KV, ['get']) });
    const res = await broken(authorizeUrl({ client_id: client.client_id, request_uri }).toString());
    expect(res.status).toBe(503);
    expect(res.headers.get('location')).toBeNull();
    expect(res.headers.get('retry-after')).toBe('5');
    expect(res.headers.get('content-type')).toContain('text/html');
  });

  it('admin: a failing D1 write answers 503 and registers nothing', async () => {
    const client_id = 'faulty-' + crypto.randomUUID().slice(0, 8);
    const broken = callWith({ DB: faultyD1() });
    const res = await broken('/admin/clients', {
      method: 'POST',
      headers: { authorization: 'Bearer test-admin-token', 'content-type': 'application/json' },
      body: JSON.stringify({ client_id, redirect_uris: ['https://rp.example/cb'] }),
    });
    await expectUnavailable(res);
    expect(await testEnv.DB.prepare('SELECT COUNT(*) AS n FROM clients WHERE client_id = ?').bind(client_id).first('n')).toBe(0);
  });

  it('answers 503 in the RFC 6749 §5.2 JSON shape: error and error_description only', async () => {
    const client = await registerClient();
    const fetch = callWith({ PAR_KV: faultyKv(testEnv.PAR_KV, ['put']) });
    const res = await fetch('/par', tokenRequest(client, await parParams()));
    const body = await res.json<Record<string, string>>();
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  });
});
