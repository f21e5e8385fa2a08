import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { validateClientMetadata } from '../../src/oauth/client-metadata';
import { OAuthError } from '../../src/oauth/errors';

/** RFC 7591 §2 / OpenID Connect Registration §2 metadata rules, as a table. */
describe('validateClientMetadata', () => {
  const config = parseConfig({ CLIENT_SECRET_KEY: 'k'.repeat(32) });
  const noSecretKey = parseConfig({});
  const EC = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
  const web = { redirect_uris: ['https://rp.example/cb'] };

  it('applies defaults (RFC 7591 §2)', () => {
    expect(validateClientMetadata(web, config)).toMatchObject({
      application_type: 'web',
      token_endpoint_auth_method: 'client_secret_basic',
      grant_types: ['authorization_code'],
      response_types: ['code'],
      require_pushed_authorization_requests: false,
      id_token_signed_response_alg: 'RS256',
      post_logout_redirect_uris: [],
      client_profile: 'default',
    });
  });

  it('ignores unknown members (RFC 7591 §2)', () => {
    expect(validateClientMetadata({ ...web, software_statement_x: 'y' }, config)).not.toHaveProperty('software_statement_x');
  });

  it('deduplicates list members', () => {
    expect(validateClientMetadata({ redirect_uris: ['https://rp.example/cb', 'https://rp.example/cb'] }, config).redirect_uris).toEqual(['https://rp.example/cb']);
  });

  const cases: [string, Record<string, unknown>, string, string, typeof config?][] = [
    ['fragment in redirect_uris', { redirect_uris: ['https://rp.example/cb#f'] }, 'invalid_redirect_uri', 'redirect_uris'],
    ['no redirect_uris for the code grant', {}, 'invalid_redirect_uri', 'redirect_uris'],
    ['client_id with a slash', { ...web, client_id: 'a/b' }, 'invalid_client_metadata', 'client_id'],
    ['client_id of 129 characters', { ...web, client_id: 'a'.repeat(129) }, 'invalid_client_metadata', 'client_id'],
    ['unknown auth method', { ...web, token_endpoint_auth_method: 'self_signed_tls_client_auth' }, 'invalid_client_metadata', 'token_endpoint_auth_method'],
    ['client_secret_jwt without CLIENT_SECRET_KEY', { ...web, token_endpoint_auth_method: 'client_secret_jwt' }, 'invalid_client_metadata', 'token_endpoint_auth_method', noSecretKey],
    ['signing alg with a secret method', { ...web, token_endpoint_auth_signing_alg: 'HS256' }, 'invalid_client_metadata', 'token_endpoint_auth_signing_alg'],
    ['RS256 for client_secret_jwt', { ...web, token_endpoint_auth_method: 'client_secret_jwt', token_endpoint_auth_signing_alg: 'RS256' }, 'invalid_client_metadata', 'token_endpoint_auth_signing_alg'],
    ['jwks and jwks_uri', { ...web, jwks: { keys: [EC] }, jwks_uri: 'https://rp.example/jwks' }, 'invalid_client_metadata', 'jwks'],
    ['private_key_jwt without keys', { ...web, token_endpoint_auth_method: 'private_key_jwt' }, 'invalid_client_metadata', 'jwks'],
    ['private key in jwks', { ...web, jwks: { keys: [{ ...EC, d: 'x' }] } }, 'invalid_client_metadata', 'jwks'],
    ['empty jwks', { ...web, jwks: { keys: [] } }, 'invalid_client_metadata', 'jwks'],
    ['jwks key without kty', { ...web, jwks: { keys: [{ x: '1' }] } }, 'invalid_client_metadata', 'jwks'],
    ['http jwks_uri', { ...web, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'http://rp.example/jwks' }, 'invalid_client_metadata', 'jwks_uri'],
    ['code grant with no response type', { ...web, response_types: [] }, 'invalid_client_metadata', 'response_types'],
    ['refresh_token alone', { ...web, grant_types: ['refresh_token'] }, 'invalid_client_metadata', 'grant_types'],
    ['client_credentials for a public client', { grant_types: ['client_credentials'], token_endpoint_auth_method: 'none' }, 'invalid_client_metadata', 'grant_types'],
    ['implicit grant', { ...web, grant_types: ['implicit'] }, 'invalid_client_metadata', 'grant_types'],
    ['scope with a quote', { ...web, scope: 'openid "x"' }, 'invalid_client_metadata', 'scope'],
    ['scope with a double space', { ...web, scope: 'openid  profile' }, 'invalid_client_metadata', 'scope'],
    ['par_lifetime 4', { ...web, par_lifetime: 4 }, 'invalid_client_metadata', 'par_lifetime'],
    ['par_lifetime 3601', { ...web, par_lifetime: 3601 }, 'invalid_client_metadata', 'par_lifetime'],
    ['par_lifetime as a string', { ...web, par_lifetime: '60' }, 'invalid_client_metadata', 'par_lifetime'],
    ['JWE enc without alg', { ...web, authorization_encrypted_response_enc: 'A128GCM' }, 'invalid_client_metadata', 'authorization_encrypted_response_enc'],
    ['JWE alg without keys', { ...web, authorization_encrypted_response_alg: 'RSA-OAEP-256' }, 'invalid_client_metadata', 'authorization_encrypted_response_alg'],
    ['unknown id_token alg', { ...web, id_token_signed_response_alg: 'HS256' }, 'invalid_client_metadata', 'id_token_signed_response_alg'],
    ['boolean as string', { ...web, backchannel_logout_session_required: 'true' }, 'invalid_client_metadata', 'backchannel_logout_session_required'],
    ['http backchannel_logout_uri', { ...web, backchannel_logout_uri: 'http://rp.example/bc' }, 'invalid_client_metadata', 'backchannel_logout_uri'],
    ['javascript: logo_uri', { ...web, logo_uri: 'javascript:alert(1)' }, 'invalid_client_metadata', 'logo_uri'],
    ['native private-use scheme not reverse-domain', { application_type: 'native', redirect_uris: ['app:/cb'] }, 'invalid_redirect_uri', 'redirect_uris'],
    ['unknown application_type', { ...web, application_type: 'desktop' }, 'invalid_client_metadata', 'application_type'],
    ['contacts not a list', { ...web, contacts: 'a@example.com' }, 'invalid_client_metadata', 'contacts'],
  ];

  it.each(cases)('refuses %s', (_label, input, code, field, cfg = config) => {
    let error: unknown;
    try {
      validateClientMetadata(input, cfg);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).code).toBe(code);
    expect((error as OAuthError).status).toBe(400);
    expect((error as OAuthError).message).toContain(field);
  });

  it.each([
    ['client_credentials only, no redirect URIs', { grant_types: ['client_credentials'], response_types: [] }],
    ['private_key_jwt with jwks', { ...web, token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [EC] }, token_endpoint_auth_signing_alg: 'ES256' }],
    ['private_key_jwt with jwks_uri', { ...web, token_endpoint_auth_method: 'private_key_jwt', jwks_uri: 'https://rp.example/jwks' }],
    ['code + refresh_token', { ...web, grant_types: ['authorization_code', 'refresh_token'] }],
    ['native with loopback and a reverse-domain scheme', { application_type: 'native', token_endpoint_auth_method: 'none', redirect_uris: ['http://127.0.0.1/cb', 'com.example:/cb'] }],
    ['fapi2 profile', { ...web, client_profile: 'fapi2', token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [EC] } }],
    ['par_lifetime at the bounds', { ...web, par_lifetime: 5 }],
    ['JWE with keys (default enc)', { ...web, jwks: { keys: [EC] }, authorization_encrypted_response_alg: 'ECDH-ES' }],
  ])('accepts %s', (_label, input) => {
    expect(() => validateClientMetadata(input, config)).not.toThrow();
  });

  it('defaults authorization_encrypted_response_enc to A128CBC-HS256 when only alg is set (JARM §3)', () => {
    expect(validateClientMetadata({ ...web, jwks: { keys: [EC] }, authorization_encrypted_response_alg: 'ECDH-ES' }, config).authorization_encrypted_response_enc).toBe('A128CBC-HS256');
  });
});
