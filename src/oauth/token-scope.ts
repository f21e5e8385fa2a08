import { InvalidScope } from './errors';

/** RFC 6749 §3.3: scope-token = 1*( %x21 / %x23-5B / %x5D-7E ). The only copy of this grammar. */
const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/**
 * The scope tokens of a `scope` value, or null when it is not single-space
 * separated scope tokens (RFC 6749 §3.3). A scope is a set: a repeated token
 * counts once, first occurrence order kept.
 */
export function scopeOrNull(scope: string): string[] | null {
  const tokens = scope.split(' ');
  return tokens.every((t) => SCOPE_TOKEN.test(t)) ? [...new Set(tokens)] : null;
}

/** Splits a `scope` value into its tokens (a set, RFC 6749 §3.3), refusing malformed ones with invalid_scope. */
export function parseScope(scope: string): string[] {
  const tokens = scopeOrNull(scope);
  if (tokens === null) throw new InvalidScope('scope must be single-space separated scope tokens (RFC 6749 section 3.3)');
  return tokens;
}

export function hasScope(scope: string, value: string): boolean {
  return scope.split(' ').includes(value);
}

/**
 * The scope of a refreshed access token: the requested scope, which may only
 * narrow the originally granted one; omitted means the granted scope
 * (RFC 6749 §6). A narrowed request does not narrow the grant itself.
 */
export function narrowScope(granted: string, requested: string | undefined): string {
  if (requested === undefined) return granted;
  const allowed = new Set(granted.split(' '));
  const tokens = parseScope(requested);
  const extra = tokens.find((t) => !allowed.has(t));
  if (extra !== undefined) throw new InvalidScope(`scope "${extra}" exceeds the scope originally granted (RFC 6749 section 6)`);
  return tokens.join(' ');
}
