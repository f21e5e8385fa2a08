import type { MessageKey, Translator } from './messages';

/** Scopes with words in the catalogue (OpenID Connect Core §5.4, §11); others are shown by name or by their API's description. */
const KNOWN_SCOPES = new Set(['openid', 'profile', 'email', 'address', 'phone', 'offline_access']);

/** Standard claims with words in the catalogue (OpenID Connect Core §5.1). */
const KNOWN_CLAIMS = new Set([
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture', 'website', 'gender',
  'birthdate', 'zoneinfo', 'locale', 'updated_at', 'email', 'email_verified', 'address', 'phone_number', 'phone_number_verified',
]);

export interface ConsentLine {
  scope: string;
  name: string;
  detail: string;
}

/** Scopes in words for the consent page; `apiScopes`: the registered description and API name of each requested API scope (RFC 8707 resources). */
export function describeScopes(i18n: Translator, scope: string, apiScopes: Record<string, { description: string; api: string }> = {}): ConsentLine[] {
  return scope
    .split(' ')
    .filter(Boolean)
    .map((s) => {
      if (KNOWN_SCOPES.has(s)) return { scope: s, name: i18n.t(`scope.${s}.name` as MessageKey), detail: i18n.t(`scope.${s}.detail` as MessageKey) };
      const api = Object.hasOwn(apiScopes, s) ? apiScopes[s] : undefined;
      if (api) return { scope: s, name: api.description, detail: api.api };
      return { scope: s, name: i18n.t('scope.other.name', { scope: s }), detail: i18n.t('scope.other.detail') };
    });
}

/** One consent line per claim asked for by name, beyond what the scopes cover (OpenID Connect Core §5.5). */
export function describeClaims(i18n: Translator, claims: readonly string[]): ConsentLine[] {
  return claims.map((c) => {
    const claim = KNOWN_CLAIMS.has(c) ? i18n.t(`claim.${c}` as MessageKey) : i18n.t('claim.other', { name: c });
    return { scope: c, name: i18n.t('claim.line', { claim }), detail: i18n.t('claim.detail', { name: c }) };
  });
}
