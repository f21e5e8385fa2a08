import { createApp } from '../../src/app';
import type { Env } from '../../src/env';
import { form, ISSUER, testEnv } from './worker';

/** Storage operations by `binding.method` (`KV.put`, `D1.first`, `DO.GRANTS.redeemCode`, …). */
export type Counts = Record<string, number>;

export interface CountingOptions {
  /**
   * Count what Cloudflare bills as well: Worker requests (`Worker.requests`)
   * and the D1 rows read and written (`D1.rows_read`, `D1.rows_written`) from
   * each statement's `meta`.
   */
  billing?: boolean;
}

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

/** D1 bills rows read and written (its `meta`): adds them to `counts` as `D1.rows_read` / `D1.rows_written`. */
function addRows(counts: Counts, results: Array<{ meta?: { rows_read?: number; rows_written?: number } }>) {
  for (const r of results) {
    counts['D1.rows_read'] = (counts['D1.rows_read'] ?? 0) + (r.meta?.rows_read ?? 0);
    counts['D1.rows_written'] = (counts['D1.rows_written'] ?? 0) + (r.meta?.rows_written ?? 0);
  }
}

/**
 * A statement whose `first()` is answered through `all()` (same rows: the
 * first, or its `column`), so its `meta` with the billed rows can be read.
 */
function rowCounting(s: D1PreparedStatement, counts: Counts): D1PreparedStatement {
  return new Proxy(s, {
    get(obj, prop) {
      if (prop === 'bind') return (...args: unknown[]) => rowCounting(obj.bind(...args), counts);
      if (prop === 'first') {
        return async (column?: string) => {
          const result = await obj.all<Record<string, unknown>>();
          addRows(counts, [result]);
          const row = result.results[0];
          return row === undefined ? null : column === undefined ? row : (row[column] ?? null);
        };
      }
      if (prop === 'all' || prop === 'run') {
        return async () => {
          const result = await (obj[prop] as () => Promise<D1Result>)();
          addRows(counts, [result]);
          return result;
        };
      }
      const value = Reflect.get(obj, prop, obj) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(obj) : value;
    },
  });
}

/** The test env with every storage binding counted: KV calls, D1 statements (through `bind`), and every Durable Object round trip. */
function countingEnv(counts: Counts, options: CountingOptions = {}): Env {
  const statement = (raw: D1PreparedStatement): D1PreparedStatement => {
    const s = options.billing ? rowCounting(raw, counts) : raw;
    return counting(s, 'D1', counts, ['first', 'all', 'run', 'raw'], (method, result) => (method === 'bind' ? statement(result as D1PreparedStatement) : result));
  };
  const env = { ...testEnv } as Env;
  env.PAR_KV = counting(testEnv.PAR_KV, 'KV', counts, ['get', 'getWithMetadata', 'put', 'list', 'delete']);
  env.DB = counting(testEnv.DB, 'D1', counts, ['prepare', 'batch', 'exec'], (method, result) => {
    if (method === 'prepare') return statement(result as D1PreparedStatement);
    if (method === 'batch' && options.billing) return (result as Promise<D1Result[]>).then((results) => (addRows(counts, results), results));
    return result;
  });
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
export function countingApp(options: CountingOptions = {}) {
  const counts: Counts = {};
  const env = countingEnv(counts, options);
  const app = createApp();
  const send = (path: string, init: RequestInit = {}) => {
    if (options.billing) counts['Worker.requests'] = (counts['Worker.requests'] ?? 0) + 1;
    return app.fetch(new Request(new URL(path, ISSUER), init), env);
  };
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
