import { InvalidScope } from './errors';

const SCOPE_TOKEN = /^[\x21\x23-\x5B\x5D-\x7E]+$/;

/** Splits a `scope` value into its tokens, refusing malformed ones (RFC 6749 §3.3). */
export function parseScope(scope: string): string[] {
  const tokens = scope.split(' ');
  if (!tokens.every((t) => SCOPE_TOKEN.test(t))) throw new InvalidScope('scope must be single-space separated scope tokens (RFC 6749 section 3.3)');
  return [...new Set(tokens)];
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
