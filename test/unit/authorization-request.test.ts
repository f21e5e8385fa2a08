import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { validateAuthorizationRequest } from '../../src/oauth/authorization-request';
import { OAuthError } from '../../src/oauth/errors';
import type { Client } from '../../src/oauth/types';

/** Authorization request validation (RFC 6749 §4.1.1, RFC 7636 §4.3, OIDC Core §3.1.2.1), as a table. */
describe('validateAuthorizationRequest', () => {
  const config = parseConfig({});
  const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
  const client = (overrides: Partial<Client> = {}): Client => ({
    client_id: 'c1', client_id_issued_at: 0, application_type: 'web', redirect_uris: ['https://rp.example/cb'],
    token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'], response_types: ['code'],
    scope: 'openid profile email', require_pushed_authorization_requests: false, id_token_signed_response_alg: 'RS256',
    post_logout_redirect_uris: [], frontchannel_logout_session_required: false, backchannel_logout_session_required: false,
    client_profile: 'default', ...overrides,
  });
  const base = { response_type: 'code', redirect_uri: 'https://rp.example/cb', scope: 'openid', code_challenge: CHALLENGE, code_challenge_method: 'S256' };
  const params = (extra: Record<string, string | undefined>) => {
    const map = new Map<string, string>();
    for (const [k, v] of Object.entries({ ...base, ...extra })) if (v !== undefined) map.set(k, v);
    return map;
  };

  it('keeps only understood parameters, state and nonce verbatim', () => {
    const request = validateAuthorizationRequest(params({ state: ' s+%20 ', nonce: 'n', foo: 'bar', max_age: '0', prompt: 'login consent' }), client(), config);
    expect(request).toEqual({
      client_id: 'c1', response_type: 'code', redirect_uri: 'https://rp.example/cb', scope: 'openid',
      code_challenge: CHALLENGE, code_challenge_method: 'S256', state: ' s+%20 ', nonce: 'n', max_age: 0, prompt: 'login consent',
    });
  });

  it('defaults redirect_uri for OAuth (non-openid) requests with one registered URI (RFC 6749 §3.1.2.3)', () => {
    expect(validateAuthorizationRequest(params({ scope: 'profile', redirect_uri: undefined }), client(), config).redirect_uri).toBe('https://rp.example/cb');
  });

  it('uses the registered scope when none is requested (RFC 6749 §3.3)', () => {
    expect(validateAuthorizationRequest(params({ scope: undefined }), client(), config).scope).toBe('openid profile email');
  });

  const refusals: [string, Record<string, string | undefined>, string, Partial<Client>?][] = [
    ['missing response_type', { response_type: undefined }, 'invalid_request'],
    ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
    ['response_type "code " with a space', { response_type: 'code ' }, 'unsupported_response_type'],
    ['client without the code response type', {}, 'unauthorized_client', { response_types: [], grant_types: ['client_credentials'] }],
    ['openid request without redirect_uri (OIDC Core §3.1.2.1)', { redirect_uri: undefined }, 'invalid_request'],
    ['no redirect_uri with two registered', { scope: 'profile', redirect_uri: undefined }, 'invalid_request', { redirect_uris: ['https://a.example/cb', 'https://b.example/cb'] }],
    ['redirect_uri with trailing slash', { redirect_uri: 'https://rp.example/cb/' }, 'invalid_request'],
    ['redirect_uri with a fragment', { redirect_uri: 'https://rp.example/cb#x' }, 'invalid_request'],
    ['redirect_uri upper-case host', { redirect_uri: 'https://RP.EXAMPLE/cb' }, 'invalid_request'],
    ['scope not registered', { scope: 'openid admin' }, 'invalid_scope'],
    ['scope with double space', { scope: 'openid  profile' }, 'invalid_scope'],
    ['scope with a quote', { scope: 'openid "x"' }, 'invalid_scope', { scope: undefined }],
    ['public client without code_challenge', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request', { token_endpoint_auth_method: 'none' }],
    ['fapi2 client without code_challenge', { code_challenge: undefined, code_challenge_method: undefined }, 'invalid_request', { client_profile: 'fapi2' }],
    ['code_challenge_method without challenge', { code_challenge: undefined }, 'invalid_request'],
    ['plain PKCE', { code_challenge_method: 'plain' }, 'invalid_request'],
    ['absent method means plain', { code_challenge_method: undefined }, 'invalid_request'],
    ['unknown PKCE method', { code_challenge_method: 'S512' }, 'invalid_request'],
    ['42-character challenge', { code_challenge: CHALLENGE.slice(1) }, 'invalid_request'],
    ['challenge with =', { code_challenge: CHALLENGE.slice(1) + '=' }, 'invalid_request'],
    ['unknown response_mode', { response_mode: 'web_message' }, 'invalid_request'],
    ['negative max_age', { max_age: '-1' }, 'invalid_request'],
    ['non-numeric max_age', { max_age: '1e3' }, 'invalid_request'],
    ['unknown prompt', { prompt: 'create' }, 'invalid_request'],
    ['prompt none with login', { prompt: 'none login' }, 'invalid_request'],
    ['claims not JSON', { claims: '{' }, 'invalid_request'],
    ['claims an array', { claims: '[]' }, 'invalid_request'],
    ['claims.userinfo not an object', { claims: '{"userinfo":1}' }, 'invalid_request'],
    ['a parameter over 4096 characters', { state: 'x'.repeat(4097) }, 'invalid_request'],
  ];

  it.each(refusals)('refuses %s', (_label, extra, code, overrides) => {
    let error: unknown;
    try {
      validateAuthorizationRequest(params(extra), client(overrides), config);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).code).toBe(code);
  });

  it('accepts plain only with ALLOW_PKCE_PLAIN (RFC 7636 §4.2)', () => {
    const plain = parseConfig({ ALLOW_PKCE_PLAIN: 'true' });
    const request = validateAuthorizationRequest(params({ code_challenge: 'a'.repeat(43), code_challenge_method: 'plain' }), client(), plain);
    expect(request.code_challenge_method).toBe('plain');
  });

  it('lets a confidential client omit PKCE by default, but not with REQUIRE_PKCE_FOR_ALL', () => {
    const p = params({ code_challenge: undefined, code_challenge_method: undefined });
    expect(validateAuthorizationRequest(p, client(), config)).not.toHaveProperty('code_challenge');
    expect(() => validateAuthorizationRequest(p, client(), parseConfig({ REQUIRE_PKCE_FOR_ALL: 'true' }))).toThrow(OAuthError);
  });
});
