import type { JWK } from 'jose';

import { AUTH_METHODS, RESPONSE_MODES } from './capabilities';

export { AUTH_METHODS, GRANT_TYPES, RESPONSE_MODES, RESPONSE_TYPES } from './capabilities';
export type AuthMethod = (typeof AUTH_METHODS)[number];
export const SECRET_METHODS: readonly AuthMethod[] = ['client_secret_basic', 'client_secret_post', 'client_secret_jwt'];

export const CLIENT_PROFILES = ['default', 'fapi2', 'fapi2-message-signing'] as const;
export type ClientProfile = (typeof CLIENT_PROFILES)[number];

export type ResponseMode = (typeof RESPONSE_MODES)[number];

/**
 * A client registration: RFC 7591 §2 and OpenID Connect Registration §2 names,
 * verbatim, plus the PAR metadata of RFC 9126 §6 and Janssen's `par_lifetime`.
 */
export interface Client {
  client_id: string;
  client_id_issued_at: number;
  client_name?: string;
  client_uri?: string;
  logo_uri?: string;
  policy_uri?: string;
  tos_uri?: string;
  contacts?: string[];
  application_type: 'web' | 'native';
  redirect_uris: string[];
  token_endpoint_auth_method: AuthMethod;
  token_endpoint_auth_signing_alg?: string;
  grant_types: string[];
  response_types: string[];
  scope?: string;
  jwks?: { keys: JWK[] };
  jwks_uri?: string;
  require_pushed_authorization_requests: boolean;
  request_object_signing_alg?: string;
  /** RFC 9101 §10.5: only signed request objects, never plain parameters, at PAR and /authorize. */
  require_signed_request_object?: boolean;
  /** RFC 9101 §6.1, OpenID Connect Registration §2: request objects must be encrypted to our `use: "enc"` key with this alg. */
  request_object_encryption_alg?: string;
  request_object_encryption_enc?: string;
  authorization_signed_response_alg?: string;
  authorization_encrypted_response_alg?: string;
  authorization_encrypted_response_enc?: string;
  id_token_signed_response_alg: string;
  post_logout_redirect_uris: string[];
  frontchannel_logout_uri?: string;
  frontchannel_logout_session_required: boolean;
  backchannel_logout_uri?: string;
  backchannel_logout_session_required: boolean;
  par_lifetime?: number;
  /** Browser origins allowed to call the token, revocation and PAR endpoints besides those of `redirect_uris` (issue 11; src/oauth/cors-origins.ts). */
  allowed_origins?: string[];
  /** RFC 9396 §10: the authorization details types the client may request; none when absent (src/oauth/authorization-details.ts). */
  authorization_details_types?: string[];
  /** RFC 9449 §5.2: every token request must carry a DPoP proof; absent means false. */
  dpop_bound_access_tokens?: boolean;
  /** RFC 8705 §3.4: access tokens are bound to the client certificate of the token request; absent means false. */
  tls_client_certificate_bound_access_tokens?: boolean;
  /** RFC 8705 §2.1.2: exactly one of these names the certificate subject of a `tls_client_auth` client. */
  tls_client_auth_subject_dn?: string;
  tls_client_auth_san_dns?: string;
  tls_client_auth_san_uri?: string;
  tls_client_auth_san_ip?: string;
  tls_client_auth_san_email?: string;
  /**
   * Portcullis extension: `fapi2` applies the FAPI 2.0 Security Profile,
   * `fapi2-message-signing` adds FAPI 2.0 Message Signing (oauth/client-policy.ts).
   */
  client_profile: ClientProfile;
}

/** A registration as stored: the secret only as a hash, and sealed when client_secret_jwt needs it back. */
export interface StoredClient extends Client {
  client_secret_hash?: string;
  client_secret_sealed?: string;
  /** The secret replaced by the last rotation, accepted until `previous_secret_expires_at` (oauth/client-secrets.ts). */
  previous_secret_hash?: string;
  previous_secret_sealed?: string;
  previous_secret_expires_at?: number;
}

export function isPublicClient(client: Client): boolean {
  return client.token_endpoint_auth_method === 'none';
}

/** The authorization request parameters kept after validation (RFC 6749 §4.1.1, OIDC Core §3.1.2.1). */
export interface AuthorizationRequest {
  client_id: string;
  response_type: 'code';
  redirect_uri: string;
  /** Set when the request named no redirect_uri and the only registered one stands in: only then may the token request omit it (RFC 6749 §4.1.3). */
  redirect_uri_defaulted?: true;
  scope: string;
  state?: string;
  nonce?: string;
  response_mode?: ResponseMode;
  code_challenge?: string;
  code_challenge_method?: 'S256' | 'plain';
  prompt?: string;
  max_age?: number;
  login_hint?: string;
  acr_values?: string;
  ui_locales?: string;
  claims?: string;
  id_token_hint?: string;
  /** RFC 8707 §2 resource indicators, space separated (a URI holds no space). */
  resource?: string;
  /** RFC 9449 §10: the JWK thumbprint of the DPoP key the code is bound to. */
  dpop_jkt?: string;
  /** RFC 9396 §2: the `authorization_details` array as JSON text, shape-checked (oauth/authorization-details.ts). */
  authorization_details?: string;
  /** The API identifier each detail belongs to, in the same order: set once the details are checked against the API registry. */
  authorization_details_resources?: string[];
}
