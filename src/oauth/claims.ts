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
