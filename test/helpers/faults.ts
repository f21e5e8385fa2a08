import { createApp } from '../../src/app';
import type { Env } from '../../src/env';
import { ISSUER, testEnv } from './worker';

/** How an injected fault behaves: reject at once, or never answer (a timeout). */
export type FaultMode = 'reject' | 'hang';

function fault(mode: FaultMode, what: string): Promise<never> {
  return mode === 'reject' ? Promise.reject(new Error(`injected fault: ${what}`)) : new Promise<never>(() => {});
}

/** A KV namespace (the real one underneath) whose `methods` fail. */
export function faultyKv(kv: KVNamespace, methods: string[], mode: FaultMode = 'reject'): KVNamespace {
  return new Proxy(kv, {
    get(target, prop) {
      if (typeof prop === 'string' && methods.includes(prop)) return () => fault(mode, `KV ${prop}`);
      const value = Reflect.get(target, prop, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/** A D1 database whose every statement execution fails. */
export function faultyD1(mode: FaultMode = 'reject'): D1Database {
  const statement: Record<string, unknown> = {};
  for (const m of ['first', 'run', 'all', 'raw']) statement[m] = () => fault(mode, `D1 ${m}`);
  statement.bind = () => statement;
  return { prepare: () => statement, batch: () => fault(mode, 'D1 batch'), exec: () => fault(mode, 'D1 exec') } as unknown as D1Database;
}

/**
 * A Durable Object namespace whose stubs answer `methods` with `answer(stub, method)`;
 * every other call reaches the real object.
 */
export function interceptNamespace<T extends Rpc.DurableObjectBranded | undefined>(
  ns: DurableObjectNamespace<T>, methods: string[], answer: (stub: DurableObjectStub<T>, method: string) => Promise<unknown>,
): DurableObjectNamespace<T> {
  return new Proxy(ns, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target);
      if (prop !== 'get') return typeof value === 'function' ? value.bind(target) : value;
      return (id: DurableObjectId) => {
        const stub = target.get(id);
        return new Proxy(stub, {
          get(s, p) {
            if (typeof p === 'string' && methods.includes(p)) return () => answer(s, p);
            return Reflect.get(s, p, s);
          },
        });
      };
    },
  });
}

/** A Durable Object namespace whose stubs fail on `methods` (everything else reaches the real object). */
export function faultyNamespace<T extends Rpc.DurableObjectBranded | undefined>(ns: DurableObjectNamespace<T>, methods: string[], mode: FaultMode = 'reject'): DurableObjectNamespace<T> {
  return interceptNamespace(ns, methods, (_stub, method) => fault(mode, `Durable Object ${method}`));
}

/** Calls a fresh app whose env has `overrides` (a new env object gets new services and a new config). */
export function callWith(overrides: Partial<Env> & Record<string, unknown>) {
  const app = createApp();
  const env = { ...testEnv, ...overrides } as Env;
  return (path: string, init: RequestInit = {}) => app.fetch(new Request(new URL(path, ISSUER), init), env);
}
