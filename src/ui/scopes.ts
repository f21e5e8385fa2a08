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
