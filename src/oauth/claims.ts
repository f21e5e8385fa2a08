import type { User } from '../storage/ports';

/** OpenID Connect Core §5.4: the claims each standard scope value requests. */
export const SCOPE_CLAIMS: Record<string, readonly string[]> = {
  profile: [
    'name', 'family_name', 'given_name', 'middle_name', 'nickname', 'preferred_username', 'profile',
    'picture', 'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at',
  ],
  email: ['email', 'email_verified'],
  address: ['address'],
  phone: ['phone_number', 'phone_number_verified'],
};

/** Claims the server asserts itself; a `claims` request can never pull them from the account. */
const PROTOCOL_CLAIMS = new Set(['sub', 'iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'sid', 'at_hash', 'c_hash']);

export type ClaimsTarget = 'userinfo' | 'id_token';

/**
 * The claim names requested for `target` by the `claims` request parameter
 * (OpenID Connect Core §5.5). The value was validated at the authorization
 * endpoint; anything unexpected here is ignored rather than failing a token request.
 */
export function requestedClaims(claimsJson: string | undefined, target: ClaimsTarget): string[] {
  if (!claimsJson) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(claimsJson);
  } catch {
    return [];
  }
  const member = (parsed as Record<string, unknown> | null)?.[target];
  if (typeof member !== 'object' || member === null || Array.isArray(member)) return [];
  return Object.keys(member).filter((name) => !PROTOCOL_CLAIMS.has(name));
}

/** The claim names a scope string grants through its standard scope values (OpenID Connect Core §5.4). */
export function scopeClaims(scope: string): string[] {
  return scope.split(' ').flatMap((value) => SCOPE_CLAIMS[value] ?? []);
}

/**
 * The user's values for `names`, skipping claims the account does not have
 * (OpenID Connect Core §5.3.2: a claim without a value is omitted, not null).
 */
export function selectUserClaims(user: Pick<User, 'claims'>, names: Iterable<string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of names) {
    if (PROTOCOL_CLAIMS.has(name)) continue;
    const value = user.claims[name];
    if (value !== undefined && value !== null) out[name] = value;
  }
  return out;
}

/** The `claims` parameter as an object (OpenID Connect Core §5.5); validated at the authorization endpoint, anything else is "none". */
function parseClaimsRequest(claimsJson: string | undefined): Record<string, unknown> {
  if (!claimsJson) return {};
  try {
    const parsed: unknown = JSON.parse(claimsJson);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** The request for one claim in one target (`{ essential?, value?, values? }`, OpenID Connect Core §5.5.1), or undefined. */
function claimRequest(claimsJson: string | undefined, target: ClaimsTarget, name: string): Record<string, unknown> | undefined {
  const member = parseClaimsRequest(claimsJson)[target];
  if (typeof member !== 'object' || member === null) return undefined;
  const entry = (member as Record<string, unknown>)[name];
  return typeof entry === 'object' && entry !== null && !Array.isArray(entry) ? (entry as Record<string, unknown>) : undefined;
}

/**
 * The claims a client may be given individually: those OpenID Connect Core
 * §5.4 puts under a scope value the client is registered for (every standard
 * one when it registered no `scope`, as it may then ask for any scope).
 * A claim outside them is never released through the `claims` parameter (§5.5).
 */
export function claimsAllowedFor(clientScope: string | undefined): Set<string> {
  return new Set(clientScope === undefined ? Object.values(SCOPE_CLAIMS).flat() : scopeClaims(clientScope));
}

/**
 * The claims a request asks for by name (OpenID Connect Core §5.5, either
 * target) that the client may be given but the requested scope does not
 * already cover (§5.4): each needs the user's consent of its own. Sorted.
 */
export function individualClaims(request: { scope: string; claims?: string }, clientScope: string | undefined): string[] {
  const allowed = claimsAllowedFor(clientScope);
  const covered = new Set(scopeClaims(request.scope));
  const names = [...requestedClaims(request.claims, 'userinfo'), ...requestedClaims(request.claims, 'id_token')];
  return [...new Set(names)].filter((n) => allowed.has(n) && !covered.has(n)).sort();
}

/**
 * The `claims` parameter as recorded in a grant: protocol claims (sub, acr,
 * auth_time …) as requested, user claims only when `allowed` (OpenID Connect
 * Core §5.5: the OP need not return what it will not release). Undefined when
 * the request had none.
 */
export function releasableClaims(claimsJson: string | undefined, allowed: ReadonlySet<string>): string | undefined {
  if (claimsJson === undefined) return undefined;
  const parsed = parseClaimsRequest(claimsJson);
  const out: Record<string, unknown> = {};
  for (const target of ['userinfo', 'id_token'] as const) {
    const member = parsed[target];
    if (typeof member !== 'object' || member === null || Array.isArray(member)) continue;
    out[target] = Object.fromEntries(Object.entries(member).filter(([name]) => PROTOCOL_CLAIMS.has(name) || allowed.has(name)));
  }
  return JSON.stringify(out);
}

/**
 * The subject values the request names through `claims` (`sub` with a
 * `value`, OpenID Connect Core §5.5.1, in either target): the OP must answer
 * only for that user (§3.1.2.2).
 */
export function requestedSubjects(claimsJson: string | undefined): string[] {
  const values = (['id_token', 'userinfo'] as const).map((t) => claimRequest(claimsJson, t, 'sub')?.value);
  return values.filter((v): v is string => typeof v === 'string');
}

/**
 * The acr values an essential `acr` request accepts (OpenID Connect Core
 * §5.5.1.1: `value` or `values`), or undefined when acr is not essential or
 * names no value (then any acr does).
 */
export function essentialAcrValues(claimsJson: string | undefined): string[] | undefined {
  const acr = claimRequest(claimsJson, 'id_token', 'acr');
  if (acr?.essential !== true) return undefined;
  if (typeof acr.value === 'string') return [acr.value];
  if (Array.isArray(acr.values)) return acr.values.filter((v): v is string => typeof v === 'string');
  return undefined;
}
