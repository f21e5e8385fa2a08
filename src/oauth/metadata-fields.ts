import { InvalidClientMetadata } from './errors';

/** Readers of one client metadata member (RFC 7591 §2): each throws `invalid_client_metadata` naming the field. */

export const fail = (field: string, problem: string) => new InvalidClientMetadata(`${field}: ${problem}`);

export type Input = Record<string, unknown>;

export function optString(input: Input, field: string, max = 2048): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || v.length === 0 || v.length > max) throw fail(field, `must be a non-empty string of at most ${max} characters`);
  return v;
}

export function optBool(input: Input, field: string, fallback: boolean): boolean {
  const v = input[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'boolean') throw fail(field, 'must be a boolean');
  return v;
}

export function stringList(input: Input, field: string, fallback: string[], allowed?: readonly string[]): string[] {
  const v = input[field];
  if (v === undefined || v === null) return fallback;
  if (!Array.isArray(v) || v.length > 50 || !v.every((x) => typeof x === 'string' && x.length > 0)) {
    throw fail(field, 'must be an array of non-empty strings');
  }
  const list = [...new Set(v as string[])];
  const unknown = allowed && list.find((x) => !allowed.includes(x));
  if (unknown) throw fail(field, `"${unknown}" is not supported (supported: ${allowed.join(', ')})`);
  return list;
}

export function oneOf<T extends string>(input: Input, field: string, allowed: readonly T[], fallback?: T): T | undefined {
  const v = input[field];
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' || !allowed.includes(v as T)) throw fail(field, `must be one of ${allowed.join(', ')}`);
  return v as T;
}

