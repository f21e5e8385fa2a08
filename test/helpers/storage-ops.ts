import { createApp } from '../../src/app';
import type { Env } from '../../src/env';
import { form, ISSUER, testEnv } from './worker';

/** Storage operations by `binding.method` (`KV.put`, `D1.first`, `DO.GRANTS.redeemCode`, …). */
export type Counts = Record<string, number>;

/** Counts calls of `methods` (all methods when omitted) under `prefix.method`, then forwards to the real object. */
function counting<T extends object>(target: T, prefix: string, counts: Counts, methods?: string[], wrapResult?: (method: string, result: unknown) => unknown): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        if (!methods || methods.includes(prop)) counts[`${prefix}.${prop}`] = (counts[`${prefix}.${prop}`] ?? 0) + 1;
        const result = Reflect.apply(value as (...a: unknown[]) => unknown, obj, args);
        return wrapResult ? wrapResult(prop, result) : result;
      };
    },
  });
}

/** The test env with every storage binding counted: KV calls, D1 statements (through `bind`), and every Durable Object round trip. */
function countingEnv(counts: Counts): Env {
  const statement = (s: D1PreparedStatement): D1PreparedStatement =>
    counting(s, 'D1', counts, ['first', 'all', 'run', 'raw'], (method, result) => (method === 'bind' ? statement(result as D1PreparedStatement) : result));
  const env = { ...testEnv } as Env;
  env.PAR_KV = counting(testEnv.PAR_KV, 'KV', counts, ['get', 'getWithMetadata', 'put', 'list', 'delete']);
  env.DB = counting(testEnv.DB, 'D1', counts, ['prepare', 'batch', 'exec'], (method, result) =>
    method === 'prepare' ? statement(result as D1PreparedStatement) : result);
  for (const name of ['GRANTS', 'SESSIONS', 'KEYS', 'REPLAY', 'LIMITER'] as const) {
    const ns = testEnv[name] as unknown as DurableObjectNamespace;
    // Getting a stub is free; every method called on it is one round trip to the object.
    (env as unknown as Record<string, unknown>)[name] = counting(ns, `DO.${name}`, counts, [], (method, result) =>
      method === 'get' || method === 'getByName' ? counting(result as object, `DO.${name}`, counts) : result);
  }
  return env;
}

/**
 * The app on the real local bindings behind counting proxies (they only count,
 * then forward): storage operations per request held as facts (docs/storage.md).
 */
export function countingApp() {
  const counts: Counts = {};
  const env = countingEnv(counts);
  const app = createApp();
  const send = (path: string, init: RequestInit = {}) => app.fetch(new Request(new URL(path, ISSUER), init), env);
  const post = (path: string, params: Record<string, string>, headers: Record<string, string> = {}) => {
    const init = form(params);
    return send(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
  };
  const reset = () => {
    for (const key of Object.keys(counts)) delete counts[key];
  };
  /** The storage operations `run` caused, with its response status. */
  async function opsOf(run: () => Response | Promise<Response>): Promise<{ status: number; ops: Counts }> {
    reset();
    const res = await run();
    await res.arrayBuffer();
    return { status: res.status, ops: { ...counts } };
  }
  return { env, send, post, opsOf, reset };
}
