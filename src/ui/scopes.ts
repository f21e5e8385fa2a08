/** Scopes in words for the consent page (OpenID Connect Core §5.4, §11). Unknown scopes are shown by name. */
const WORDS: Record<string, { name: string; detail: string }> = {
  openid: { name: 'Know who you are', detail: 'Your account identifier at this provider' },
  profile: { name: 'See your profile', detail: 'Name, nickname, picture, birthdate, locale and similar details' },
  email: { name: 'See your email address', detail: 'And whether it has been verified' },
  address: { name: 'See your postal address', detail: 'As stored in your account' },
  phone: { name: 'See your phone number', detail: 'And whether it has been verified' },
  offline_access: { name: 'Stay connected', detail: 'Keep access while you are not using the application' },
};

/** `apiScopes`: the registered description and API name of each requested API scope (RFC 8707 resources). */
export function describeScopes(scope: string, apiScopes: Record<string, { description: string; api: string }> = {}): { scope: string; name: string; detail: string }[] {
  return scope
    .split(' ')
    .filter(Boolean)
    .map((s) => {
      const api = Object.hasOwn(apiScopes, s) ? apiScopes[s] : undefined;
      const words = WORDS[s] ?? (api ? { name: api.description, detail: api.api } : { name: `Use “${s}”`, detail: 'A permission defined by the application' });
      return { scope: s, ...words };
    });
}

/** Standard claims in words (OpenID Connect Core §5.1), for claims asked for by name (§5.5). */
const CLAIM_WORDS: Record<string, string> = {
  name: 'your full name', given_name: 'your given name', family_name: 'your family name', middle_name: 'your middle name',
  nickname: 'your nickname', preferred_username: 'your preferred username', profile: 'your profile page', picture: 'your picture',
  website: 'your website', gender: 'your gender', birthdate: 'your birthdate', zoneinfo: 'your time zone', locale: 'your locale',
  updated_at: 'when your profile was last updated', email: 'your email address', email_verified: 'whether your email address is verified',
  address: 'your postal address', phone_number: 'your phone number', phone_number_verified: 'whether your phone number is verified',
};

/** One consent line per claim asked for by name, beyond what the scopes cover (OpenID Connect Core §5.5). */
export function describeClaims(claims: readonly string[]): { scope: string; name: string; detail: string }[] {
  return claims.map((c) => ({ scope: c, name: `See ${CLAIM_WORDS[c] ?? `“${c}”`}`, detail: `Asked for by name: ${c}` }));
}
