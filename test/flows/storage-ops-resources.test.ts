import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import type { Env } from '../../src/env';
import { registerClient } from '../helpers/admin';
import { issueCode } from '../helpers/grant';
import { registerApi } from '../helpers/apis';
import { basic, form, ISSUER, testEnv } from '../helpers/worker';

/**
 * What the resource lookup (RFC 8707) adds to /token, held as facts (issue 11):
 * nothing while the API is cached in the isolate, one D1 read when it is not.
 * The app runs on the real local bindings; the proxies below only count.
 */
type Counts = Record<string, number>;
let counts: Counts = {};
const bump = (key: string) => {
  counts[key] = (counts[key] ?? 0) + 1;
};

/** Counts calls of `methods` (all methods when omitted) under `prefix.method`, then forwards to the real object. */
function counting<T extends object>(target: T, prefix: string, methods?: string[], wrapResult?: (method: string, result: unknown) => unknown): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        if (!methods || methods.includes(prop)) bump(`${prefix}.${prop}`);
        const result = Reflect.apply(value as (...a: unknown[]) => unknown, obj, args);
        return wrapResult ? wrapResult(prop, result) : result;
      };
    },
  });
}

/** D1: `prepare`, `batch`, `exec` on the database, and `first`/`all`/`run`/`raw` on its statements (through `bind`). */
function countingStatement(statement: D1PreparedStatement): D1PreparedStatement {
  return counting(statement, 'D1', ['first', 'all', 'run', 'raw'], (method, result) =>
    method === 'bind' ? countingStatement(result as D1PreparedStatement) : result);
}

function countingEnv(): Env {
  const env = { ...testEnv } as Env;
  env.PAR_KV = counting(testEnv.PAR_KV, 'KV', ['get', 'getWithMetadata', 'put', 'list', 'delete']);
  env.DB = counting(testEnv.DB, 'D1', ['prepare', 'batch', 'exec'], (method, result) =>
    method === 'prepare' ? countingStatement(result as D1PreparedStatement) : result);
  for (const name of ['GRANTS', 'SESSIONS', 'KEYS', 'REPLAY', 'LIMITER'] as const) {
    const ns = testEnv[name] as unknown as DurableObjectNamespace;
    // Getting a stub is free; every method called on it is one round trip to the object.
    (env as unknown as Record<string, unknown>)[name] = counting(ns, `DO.${name}`, [], (method, result) =>
      method === 'get' || method === 'getByName' ? counting(result as object, `DO.${name}`) : result);
  }
  return env;
}

const env = countingEnv();
const app = createApp();
const send = (path: string, init: RequestInit = {}) => app.fetch(new Request(new URL(path, ISSUER), init), env);
const post = (path: string, params: Record<string, string>, headers: Record<string, string> = {}) => {
  const init = form(params);
  return send(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
};

/** The storage operations `run` caused, with its response status. */
async function opsOf(run: () => Response | Promise<Response>): Promise<{ status: number; ops: Counts }> {
  counts = {};
  const res = await run();
  await res.arrayBuffer();
  return { status: res.status, ops: counts };
}

const exchange = (auth: Record<string, string>, issued: Awaited<ReturnType<typeof issueCode>>) =>
  post('/token', { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier }, auth);

describe('storage operations of resource indicators at /token (issue 11, docs/storage.md)', () => {
  it('client_credentials with resource: one D1 read of the API when cold, none when cached (RFC 8707 §2.2)', async () => {
    const api = await registerApi('ops');
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], scope: 'ops:read' });
    const auth = { authorization: basic(reg.client_id, reg.client_secret!) };
    const plain = { grant_type: 'client_credentials' };
    expect((await opsOf(() => post('/token', plain, auth))).status).toBe(200); // client registration and key ring now cached
    expect(await opsOf(() => post('/token', plain, auth))).toEqual({ status: 200, ops: {} });
    const withResource = { grant_type: 'client_credentials', resource: api.identifier };
    expect(await opsOf(() => post('/token', withResource, auth))).toEqual({ status: 200, ops: { 'D1.prepare': 1, 'D1.first': 1 } });
    expect(await opsOf(() => post('/token', withResource, auth))).toEqual({ status: 200, ops: {} });
  });

  it('authorization_code with a granted resource: still one Grant round trip once the API is cached (RFC 8707 §2.2)', async () => {
    const api = await registerApi('opscode');
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'], scope: 'openid opscode:read' });
    const auth = { authorization: basic(reg.client_id, reg.client_secret!) };
    const data = { resource: [api.identifier] };
    const warm = await issueCode({ client_id: reg.client_id, scope: 'openid opscode:read', data });
    expect(await opsOf(() => exchange(auth, warm))).toMatchObject({ status: 200 });
    const next = await issueCode({ client_id: reg.client_id, scope: 'openid opscode:read', data, sub: warm.sub });
    expect(await opsOf(() => exchange(auth, next))).toEqual({ status: 200, ops: { 'DO.GRANTS.redeemCode': 1 } });
  });
});
