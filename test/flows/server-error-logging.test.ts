import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerClient } from '../helpers/admin';
import { callWith, faultyD1, faultyKv, faultyNamespace } from '../helpers/faults';
import { issueCode } from '../helpers/grant';
import { authzParams } from '../helpers/par';
import { basic, call, form, testEnv } from '../helpers/worker';

/**
 * Every 5xx answer is logged with the request id it went out under
 * (`X-Request-Id`) and its cause (issue 9: a loser of a 16-way code race once
 * got a 503 that no log line explained). The races themselves are run here
 * too, to show what each loser gets.
 */
type Client = { client_id: string; client_secret?: string };

function post(fetch: (path: string, init?: RequestInit) => Response | Promise<Response>, path: string, params: Record<string, string>, client?: Client): Promise<Response> {
  const init = form(params);
  const headers = { ...(init.headers as Record<string, string>), ...(client?.client_secret && { authorization: basic(client.client_id, client.client_secret) }) };
  return Promise.resolve(fetch(path, { ...init, headers }));
}

function errorLines(spy: { mock: { calls: unknown[][] } }): Array<Record<string, unknown>> {
  return spy.mock.calls.flatMap((args) => {
    try {
      return [JSON.parse(String(args[0])) as Record<string, unknown>];
    } catch {
      return [];
    }
  });
}

/** Asserts a 5xx response and the one error log line carrying its request id, status and cause. */
async function expectLogged5xx(res: Response, status: number, spy: { mock: { calls: unknown[][] } }, binding: string) {
  expect(res.status).toBe(status);
  const requestId = res.headers.get('x-request-id');
  expect(requestId).toMatch(/.+/);
  const lines = errorLines(spy).filter((l) => l.request_id === requestId);
  expect(lines).toHaveLength(1);
  expect(lines[0]).toMatchObject({ level: 'error', event: 'server_error_response', status, error: status === 503 ? 'temporarily_unavailable' : 'server_error' });
  expect(String(lines[0]!.cause)).toContain(`binding=${binding}`);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('every 5xx is logged with its request id and cause (RFC 6749 §5.2, RFC 9110 §15.6.4)', () => {
  async function codeRequest() {
    const client = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const issued = await issueCode({ client_id: client.client_id });
    return { client, params: { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier } };
  }

  it('logs a 503 from a failing grant object at /token with its request id and cause', async () => {
    const { client, params } = await codeRequest();
    const errors = vi.spyOn(console, 'error');
    const res = await post(callWith({ GRANTS: faultyNamespace(testEnv.GRANTS, ['redeemCode']) }), '/token', params, client);
    await expectLogged5xx(res, 503, errors, 'GRANTS');
  });

  it('logs a 503 from a grant object that does not answer in STORAGE_TIMEOUT_MS', async () => {
    const { client, params } = await codeRequest();
    const errors = vi.spyOn(console, 'error');
    const res = await post(callWith({ GRANTS: faultyNamespace(testEnv.GRANTS, ['redeemCode'], 'hang'), STORAGE_TIMEOUT_MS: '100' }), '/token', params, client);
    await expectLogged5xx(res, 503, errors, 'GRANTS');
  });

  it('logs a 503 from an overloaded grant object (Durable Objects error handling: overloaded)', async () => {
    const { client, params } = await codeRequest();
    const errors = vi.spyOn(console, 'error');
    const overloaded = Object.assign(new Error('Durable Object is overloaded. Too many requests queued.'), { remote: true, overloaded: true });
    const grants = new Proxy(testEnv.GRANTS, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop !== 'get') return typeof value === 'function' ? value.bind(target) : value;
        return (id: DurableObjectId) => new Proxy(target.get(id), { get: (s, p) => (p === 'redeemCode' ? () => Promise.reject(overloaded) : Reflect.get(s, p, s)) });
      },
    });
    await expectLogged5xx(await post(callWith({ GRANTS: grants }), '/token', params, client), 503, errors, 'GRANTS');
  });

  it('logs a 500 from a bug inside the grant object (an error its own code threw, marked remote)', async () => {
    const { client, params } = await codeRequest();
    const errors = vi.spyOn(console, 'error');
    const bug = Object.assign(new TypeError("Cannot read properties of undefined (reading 'code_hash')"), { remote: true });
    const grants = new Proxy(testEnv.GRANTS, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target);
        if (prop !== 'get') return typeof value === 'function' ? value.bind(target) : value;
        return (id: DurableObjectId) => new Proxy(target.get(id), { get: (s, p) => (p === 'redeemCode' ? () => Promise.reject(bug) : Reflect.get(s, p, s)) });
      },
    });
    await expectLogged5xx(await post(callWith({ GRANTS: grants }), '/token', params, client), 500, errors, 'GRANTS');
  });

  it('logs a 503 from a failing KV write at PAR and from a failing D1 lookup', async () => {
    const client = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const errors = vi.spyOn(console, 'error');
    await expectLogged5xx(await post(callWith({ PAR_KV: faultyKv(testEnv.PAR_KV, ['put']) }), '/par', authzParams(), client), 503, errors, 'PAR_KV');
    await expectLogged5xx(await post(callWith({ DB: faultyD1() }), '/par', authzParams(), client), 503, errors, 'DB');
  });
});

describe('races for one code or one refresh token: what each loser gets (RFC 6749 §4.1.2, RFC 9700 §4.14.2)', () => {
  it.each([16, 64])('answers each loser of a %i-way race for one code with invalid_grant, never a 5xx (RFC 6749 §4.1.2)', async (n) => {
    const client = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'] });
    const issued = await issueCode({ client_id: client.client_id, scope: 'openid offline_access' });
    const params = { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier };
    const results = await Promise.all(Array.from({ length: n }, async () => {
      const res = await post(call, '/token', params, client);
      return `${res.status} ${((await res.json()) as { error?: string }).error ?? 'tokens'}`;
    }));
    expect(results.filter((r) => r === '200 tokens')).toHaveLength(1);
    expect(results.filter((r) => r === '400 invalid_grant')).toHaveLength(n - 1);
  });

  it.each([16, 64])('answers each loser of a %i-way race for one refresh token with invalid_grant, never a 5xx (RFC 9700 §4.14.2)', async (n) => {
    const client = await registerClient({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] });
    const issued = await issueCode({ client_id: client.client_id, scope: 'openid offline_access' });
    const first = await post(call, '/token', { grant_type: 'authorization_code', client_id: client.client_id, code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier });
    const { refresh_token } = (await first.json()) as { refresh_token: string };
    const results = await Promise.all(Array.from({ length: n }, async () => {
      const res = await post(call, '/token', { grant_type: 'refresh_token', client_id: client.client_id, refresh_token });
      return `${res.status} ${((await res.json()) as { error?: string }).error ?? 'tokens'}`;
    }));
    expect(results.filter((r) => r === '200 tokens')).toHaveLength(1);
    expect(results.filter((r) => r === '400 invalid_grant')).toHaveLength(n - 1);
  });
});
