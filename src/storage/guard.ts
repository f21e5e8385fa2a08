import { logError } from '../log';
import { ServerError, TemporarilyUnavailable, type OAuthError } from '../oauth/errors';

/** Seconds a client is told to wait after a storage outage (`Retry-After`). */
export const STORAGE_RETRY_AFTER = 5;

/** Methods whose synchronous result is itself a binding handle to guard (D1 statements, Durable Object stubs). */
const HANDLE_FACTORIES = new Set(['prepare', 'bind', 'get', 'getByName']);

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/**
 * Whether a Durable Object call failed in the object's own code. workerd marks
 * such errors `remote: true`; infrastructure failures (unreachable, reset,
 * overloaded) come without it or marked `retryable` / `overloaded`
 * (Cloudflare Durable Objects, "Error handling").
 */
function isObjectBug(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { remote, retryable, overloaded } = error as { remote?: unknown; retryable?: unknown; overloaded?: unknown };
  return remote === true && retryable !== true && overloaded !== true;
}

/**
 * A bug inside a Durable Object is logged and answered as `server_error`
 * (RFC 6749 §5.2 has no better code, and a retry would meet the same bug);
 * only a storage failure or timeout is `temporarily_unavailable`.
 */
function failure(binding: string, op: string, error: unknown): OAuthError {
  if (!isObjectBug(error)) return unavailable(binding, op, error);
  const { name, message } = error as Error;
  logError('durable_object_error', { binding, op, name, message });
  return new ServerError('the server met an unexpected condition', { cause: { binding, op, message } });
}

function unavailable(binding: string, op: string, error: unknown): OAuthError {
  const message = error instanceof Error ? error.message : String(error);
  logError('storage_unavailable', { binding, op, message });
  return new TemporarilyUnavailable('a storage service is temporarily unavailable; retry later', {
    headers: { 'Retry-After': String(STORAGE_RETRY_AFTER) },
    cause: { binding, op, message },
  });
}

async function settle<T>(pending: PromiseLike<T>, binding: string, op: string, timeoutMs: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([pending, timeout]);
  } catch (error) {
    throw failure(binding, op, error);
  } finally {
    if (timer !== undefined) clearTimeout(timer);
  }
}

function guard<T extends object>(target: T, binding: string, timeoutMs: number): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        let result: unknown;
        try {
          result = Reflect.apply(value as (...a: unknown[]) => unknown, obj, args);
        } catch (error) {
          throw unavailable(binding, prop, error);
        }
        if (isThenable(result)) return settle(result, binding, prop, timeoutMs);
        if (HANDLE_FACTORIES.has(prop) && typeof result === 'object' && result !== null) return guard(result, binding, timeoutMs);
        return result;
      };
    },
  });
}

/**
 * Wraps the storage bindings so that a failing or hanging KV, D1 or Durable
 * Object call becomes `temporarily_unavailable` (503, Retry-After) after at
 * most `timeoutMs`, logged once, instead of a 500 or a request left hanging.
 * An exception thrown by a Durable Object's own code is a bug: logged and
 * answered `server_error` (500).
 * Results pass through untouched; only handles (statements, stubs) are wrapped.
 */
export function guardBindings<E extends Record<string, unknown>>(env: E, names: readonly (keyof E & string)[], timeoutMs: number): E {
  const guarded: Record<string, unknown> = { ...env };
  for (const name of names) {
    const binding = env[name];
    if (typeof binding === 'object' && binding !== null) guarded[name] = guard(binding, name, timeoutMs);
  }
  return guarded as E;
}
