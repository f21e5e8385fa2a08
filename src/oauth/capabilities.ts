/**
 * What this server supports, one list per capability. Validation and discovery
 * (oauth/discovery.ts) read these same lists, so what is advertised is exactly
 * what is accepted. A leaf module: it imports nothing, so config.ts may use it.
 */

/** Algorithms the server can sign with (OpenID Connect Discovery `id_token_signing_alg_values_supported`). */
export const SIGNING_ALGS = ['ES256', 'EdDSA', 'PS256', 'RS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];

/** Algorithms accepted on client assertions (RFC 7523 §3) and, the asymmetric ones, on request objects (RFC 9101 §10.1). */
export const CLIENT_ASSERTION_ALGS = ['ES256', 'ES384', 'EdDSA', 'PS256', 'PS384', 'RS256', 'RS384', 'HS256', 'HS384', 'HS512'] as const;
/** The `client_secret_jwt` algorithms (MACs over the client secret). */
export const HMAC_ALGS = CLIENT_ASSERTION_ALGS.filter((a) => a.startsWith('HS'));
/** The `private_key_jwt` and request object algorithms. */
export const ASYMMETRIC_ALGS = CLIENT_ASSERTION_ALGS.filter((a) => !a.startsWith('HS'));

/**
 * Algorithms accepted on DPoP proofs (RFC 9449 §4.3 check 5: asymmetric only, never `none` or a MAC),
 * advertised as `dpop_signing_alg_values_supported` (§5.1). Every one is verifiable by WebCrypto in workerd.
 */
export const DPOP_SIGNING_ALGS = ['ES256', 'ES384', 'EdDSA', 'PS256', 'PS384', 'RS256', 'RS384'] as const;

/** JARM encryption (JARM §3 `authorization_encryption_alg_values_supported` / `_enc_values_supported`). */
export const JWE_ALGS = ['RSA-OAEP-256', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW'];
export const JWE_ENCS = ['A128GCM', 'A256GCM', 'A128CBC-HS256', 'A256CBC-HS512'];

/**
 * FAPI 2.0 Security Profile §5.4.1 (PS256, ES256 or EdDSA; RS256 is not
 * allowed): what a FAPI 2.0 client may sign with and what we sign for it.
 */
export const FAPI2_SIGNING_ALGS = ['PS256', 'ES256', 'EdDSA'] as const;
/**
 * FAPI 2.0 Security Profile §5.3.2.1 item 5: client authentication by mTLS
 * (RFC 8705 §2) or `private_key_jwt` (OIDC Core §9), named here whether or not
 * this build offers the mTLS methods yet.
 */
export const FAPI2_AUTH_METHODS = ['private_key_jwt', 'tls_client_auth', 'self_signed_tls_client_auth'] as const;

/**
 * Request object encryption (RFC 9101 §6.1, OpenID Connect Discovery §3
 * `request_object_encryption_alg_values_supported` / `_enc_values_supported`):
 * the key management algorithms our own `use: "enc"` keys serve, and the
 * content encryptions accepted.
 */
export const REQUEST_OBJECT_ENC_ALGS = ['RSA-OAEP-256', 'ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A256KW'] as const;
export const REQUEST_OBJECT_ENC_ENCS = ['A128GCM', 'A256GCM', 'A128CBC-HS256', 'A256CBC-HS512'] as const;
/** The encryption keys the key store keeps, one per slot: RSA for RSA-OAEP-256, P-256 for every ECDH-ES variant. */
export const ENCRYPTION_KEY_ALGS = ['RSA-OAEP-256', 'ECDH-ES'] as const;
export type EncryptionKeyAlg = (typeof ENCRYPTION_KEY_ALGS)[number];

/** RFC 7591 §2 token endpoint authentication methods (plus RFC 7523 JWT methods and the RFC 8705 §2 mTLS methods). */
export const AUTH_METHODS = [
  'client_secret_basic', 'client_secret_post', 'client_secret_jwt', 'private_key_jwt', 'none', 'tls_client_auth', 'self_signed_tls_client_auth',
] as const;
/** RFC 8705 §2.1 (PKI) and §2.2 (self-signed) mutual-TLS client authentication; offered only when `MTLS_HOST` is set. */
export const MTLS_AUTH_METHODS = ['tls_client_auth', 'self_signed_tls_client_auth'] as const;
/** RFC 8705 §2.1.2: the metadata naming the one certificate subject a `tls_client_auth` client must present. */
export const TLS_CLIENT_AUTH_SUBJECTS = [
  'tls_client_auth_subject_dn', 'tls_client_auth_san_dns', 'tls_client_auth_san_uri', 'tls_client_auth_san_ip', 'tls_client_auth_san_email',
] as const;
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export const RESPONSE_TYPES = ['code'] as const;
/** OAuth 2.0 Multiple Response Types §2, OAuth 2.0 Form Post, JARM §2.3 */
export const RESPONSE_MODES = ['query', 'fragment', 'form_post', 'jwt', 'query.jwt', 'fragment.jwt', 'form_post.jwt'] as const;
/** OpenID Connect Core §3.1.2.1 `prompt` values. */
export const PROMPTS = ['none', 'login', 'consent', 'select_account'];
/** RFC 7636 §4.3 `code_challenge_method`; `plain` only when ALLOW_PKCE_PLAIN is set. */
export const PKCE_METHODS = ['S256', 'plain'] as const;

/**
 * Languages of the login, consent, logout and error pages, English first (the
 * fallback): OpenID Connect Discovery 1.0 §3 `ui_locales_supported`, matched
 * against `ui_locales` (OpenID Connect Core §3.1.2.1) and Accept-Language.
 */
export const UI_LOCALES = ['en', 'da', 'mi'] as const;
export type UiLocale = (typeof UI_LOCALES)[number];

/** OpenID Connect Core §5.4 and §11 scope values; they name an end-user's data. */
export const SCOPES = ['openid', 'profile', 'email', 'address', 'phone', 'offline_access'];
/** Claims an ID token or UserInfo response may carry (OpenID Connect Core §2, §5.1). */
export const CLAIMS = [
  'sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'sid',
  'name', 'given_name', 'family_name', 'middle_name', 'nickname', 'preferred_username', 'profile', 'picture',
  'website', 'gender', 'birthdate', 'zoneinfo', 'locale', 'updated_at',
  'email', 'email_verified', 'address', 'phone_number', 'phone_number_verified',
];

/**
 * The session and logout specs implemented, all four: Session Management 1.0 §3.3,
 * Front-Channel Logout 1.0 §3, Back-Channel Logout 1.0 §2.1 (RP-Initiated Logout §2.1 is
 * the end_session_endpoint itself). Discovery advertises exactly these.
 */
export const LOGOUT_SUPPORT = {
  frontchannel_logout_supported: true,
  frontchannel_logout_session_supported: true,
  backchannel_logout_supported: true,
  backchannel_logout_session_supported: true,
} as const;
