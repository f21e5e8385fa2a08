import { describe, expect, it } from 'vitest';
import { getConfig } from '../../src/config';
import { resolveClientPolicy } from '../../src/oauth/client-policy';
import type { Client } from '../../src/oauth/types';
import { ISSUER } from '../helpers/worker';

const config = getConfig({ ISSUER });
const client = (overrides: Partial<Client> = {}): Client => ({
  client_id: 'c1', redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'private_key_jwt',
  grant_types: ['authorization_code'], response_types: ['code'], client_profile: 'default', ...overrides,
} as Client);

describe('resolveClientPolicy', () => {
  it('accepts the issuer, token, PAR, revocation and introspection URLs as assertion aud by default (RFC 9126 §2, DESIGN.md)', () => {
    expect(resolveClientPolicy(client(), config)).toEqual({
      fapi2: false,
      message_signing: false,
      pkce_required: false,
      pkce_methods: ['S256'],
      par_required: false,
      redirect_uri_required: false,
      auth_methods: 'any',
      signing_algs: ['ES256', 'ES384', 'EdDSA', 'PS256', 'PS384', 'RS256', 'RS384'],
      id_token_signing_alg: undefined,
      authorization_signing_alg: 'RS256',
      signed_request_object_required: false,
      request_object_exp_required: false,
      request_object_nbf_required: false,
      code_lifetime: 60,
      request_uri_lifetime: 60,
      clock_skew: 30,
      assertion_audiences: [ISSUER, `${ISSUER}/token`, `${ISSUER}/par`, `${ISSUER}/revoke`, `${ISSUER}/introspect`],
      assertion_audience_string_only: false,
      refresh_token_lifetime: 30 * 86_400,
      dpop_bound_access_tokens: false,
      certificate_bound_access_tokens: false,
      sender_constrained_required: false,
      dpop_nonce_required: false,
    });
  });

  it('for client_profile fapi2 requires PKCE and accepts only the issuer, as a string (FAPI 2.0 §5.3.2.1, §5.3.2.2)', () => {
    expect(resolveClientPolicy(client({ client_profile: 'fapi2' }), config)).toEqual({
      fapi2: true, message_signing: false, pkce_required: true, pkce_methods: ['S256'], par_required: true, redirect_uri_required: true,
      auth_methods: ['private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'], signing_algs: ['PS256', 'ES256', 'EdDSA'],
      id_token_signing_alg: 'PS256', authorization_signing_alg: 'PS256', signed_request_object_required: false,
      request_object_exp_required: true, request_object_nbf_required: false, code_lifetime: 60, request_uri_lifetime: 60, clock_skew: 30,
      assertion_audiences: [ISSUER], assertion_audience_string_only: true, refresh_token_lifetime: 30 * 86_400,
      dpop_bound_access_tokens: false, certificate_bound_access_tokens: false, sender_constrained_required: true, dpop_nonce_required: false,
    });
  });

  it('with FAPI2=true applies the FAPI 2.0 policy to every client (DESIGN.md)', () => {
    expect(resolveClientPolicy(client(), getConfig({ ISSUER, FAPI2: 'true' }))).toMatchObject({ fapi2: true, pkce_required: true, assertion_audiences: [ISSUER] });
  });

  it('requires PKCE for public clients (RFC 9700 §2.1.1) and for all with REQUIRE_PKCE_FOR_ALL', () => {
    expect(resolveClientPolicy(client({ token_endpoint_auth_method: 'none' }), config).pkce_required).toBe(true);
    expect(resolveClientPolicy(client(), getConfig({ ISSUER, REQUIRE_PKCE_FOR_ALL: 'true' })).pkce_required).toBe(true);
  });

  it('bounds a public client\'s refresh tokens by PUBLIC_CLIENT_REFRESH_LIFETIME, default 24 h (OAuth 2.0 for Browser-Based Applications §6.3.2.3)', () => {
    const pub = client({ token_endpoint_auth_method: 'none' });
    expect(resolveClientPolicy(pub, config).refresh_token_lifetime).toBe(86_400);
    expect(resolveClientPolicy(pub, getConfig({ ISSUER, PUBLIC_CLIENT_REFRESH_LIFETIME: '3600' })).refresh_token_lifetime).toBe(3600);
    // Never longer than every client's REFRESH_TOKEN_LIFETIME.
    expect(resolveClientPolicy(pub, getConfig({ ISSUER, REFRESH_TOKEN_LIFETIME: '600' })).refresh_token_lifetime).toBe(600);
    expect(resolveClientPolicy(client(), getConfig({ ISSUER, PUBLIC_CLIENT_REFRESH_LIFETIME: '3600' })).refresh_token_lifetime).toBe(30 * 86_400);
  });

  it('requires sender-constrained tokens under FAPI 2.0 and for clients registered for DPoP or certificate binding (FAPI 2.0 §5.3.2.1, RFC 9449 §5.2, RFC 8705 §3.4)', () => {
    expect(resolveClientPolicy(client(), config).sender_constrained_required).toBe(false);
    expect(resolveClientPolicy(client({ client_profile: 'fapi2' }), config).sender_constrained_required).toBe(true);
    expect(resolveClientPolicy(client(), getConfig({ ISSUER, FAPI2: 'true' })).sender_constrained_required).toBe(true);
    expect(resolveClientPolicy(client({ dpop_bound_access_tokens: true }), config)).toMatchObject({ dpop_bound_access_tokens: true, sender_constrained_required: true });
    expect(resolveClientPolicy(client({ tls_client_certificate_bound_access_tokens: true }), config))
      .toMatchObject({ certificate_bound_access_tokens: true, sender_constrained_required: true });
  });
});
