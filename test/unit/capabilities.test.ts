import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { validateAuthorizationRequest } from '../../src/oauth/authorization-request';
import { ASYMMETRIC_ALGS, PROMPTS, RESPONSE_MODES, SCOPES } from '../../src/oauth/capabilities';
import { validateClientMetadata } from '../../src/oauth/client-metadata';
import { serverMetadata } from '../../src/oauth/discovery';
import { OAuthError } from '../../src/oauth/errors';
import { narrowScope, parseScope } from '../../src/oauth/token-scope';
import type { Client } from '../../src/oauth/types';

const config = parseConfig({});
const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';
const client: Client = {
  client_id: 'c1', client_id_issued_at: 0, application_type: 'web', redirect_uris: ['https://rp.example/cb'],
  token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'], response_types: ['code'],
  scope: 'openid profile email', require_pushed_authorization_requests: false, id_token_signed_response_alg: 'RS256',
  post_logout_redirect_uris: [], frontchannel_logout_session_required: false, backchannel_logout_session_required: false,
  client_profile: 'default',
};
const authorize = (extra: Record<string, string>) => validateAuthorizationRequest(new Map(Object.entries({
  response_type: 'code', redirect_uri: 'https://rp.example/cb', scope: 'openid', code_challenge: CHALLENGE, code_challenge_method: 'S256', ...extra,
})), client, config);

function errorCode(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof OAuthError ? error.code : 'not an OAuthError';
  }
  return undefined;
}

/** One scope grammar and one duplicate rule everywhere a scope is read (RFC 6749 §3.3: scope-token, a set). */
describe('parseScope', () => {
  it('counts a repeated scope token once: a scope is a set (RFC 6749 §3.3)', () => {
    expect(parseScope('openid profile openid')).toEqual(['openid', 'profile']);
  });

  it.each(['', ' openid', 'openid ', 'openid  profile', 'openid "x"', 'openid\\x', 'é'])('refuses %j with invalid_scope (RFC 6749 §3.3 scope-token)', (value) => {
    expect(errorCode(() => parseScope(value))).toBe('invalid_scope');
  });

  it('applies the same rule at /authorize, in client metadata and on refresh (RFC 6749 §3.3, §6; RFC 7591 §2)', () => {
    expect(authorize({ scope: 'openid profile openid' }).scope).toBe('openid profile');
    expect(validateClientMetadata({ redirect_uris: ['https://rp.example/cb'], scope: 'openid email openid' }, config).scope).toBe('openid email');
    expect(narrowScope('openid profile', 'profile profile')).toBe('profile');
  });

  it('refuses the same malformed scope at /authorize and in client metadata (RFC 6749 §3.3)', () => {
    expect(errorCode(() => authorize({ scope: 'openid  profile' }))).toBe('invalid_scope');
    expect(errorCode(() => validateClientMetadata({ redirect_uris: ['https://rp.example/cb'], scope: 'openid  profile' }, config))).toBe('invalid_client_metadata');
  });
});

/** What discovery advertises is what validation accepts (RFC 8414 §2, OpenID Connect Discovery 1.0 §3). */
describe('capability lists', () => {
  const metadata = serverMetadata(config);

  it('advertises the capability lists themselves', () => {
    expect(metadata.prompt_values_supported).toEqual(PROMPTS);
    expect(metadata.response_modes_supported).toEqual([...RESPONSE_MODES]);
    expect(metadata.scopes_supported).toEqual(SCOPES);
    expect(metadata.request_object_signing_alg_values_supported).toEqual([...ASYMMETRIC_ALGS]);
  });

  it.each(PROMPTS.filter((p) => p !== 'none'))('accepts every advertised prompt value: %s (OpenID Connect Core §3.1.2.1)', (prompt) => {
    expect(authorize({ prompt }).prompt).toBe(prompt);
  });

  it.each([...RESPONSE_MODES])('accepts every advertised response_mode: %s (OAuth 2.0 Multiple Response Types §2.1, JARM §2.3)', (mode) => {
    expect(authorize({ response_mode: mode }).response_mode).toBe(mode);
  });

  it('refuses a prompt or response_mode that is not advertised', () => {
    expect(errorCode(() => authorize({ prompt: 'create' }))).toBe('invalid_request');
    expect(errorCode(() => authorize({ response_mode: 'web_message' }))).toBe('invalid_request');
  });
});
