import { endpoints, type Config } from '../config';
import {
  ASYMMETRIC_ALGS, AUTH_METHODS, CLAIMS, CLIENT_ASSERTION_ALGS, GRANT_TYPES, JWE_ALGS, JWE_ENCS, LOGOUT_SUPPORT, PKCE_METHODS, PROMPTS, RESPONSE_MODES,
  RESPONSE_TYPES, SCOPES, UI_LOCALES,
} from './capabilities';

/** Re-exported for callers that still import them from here; the lists live in capabilities.ts. */
export { CLAIMS, SCOPES };

/**
 * The server's metadata (RFC 8414 §2, OpenID Connect Discovery 1.0 §3,
 * RFC 9126 §5, RFC 9207 §3, JARM §3, RP-Initiated Logout §2.1, Session Management
 * §3.3, Front-/Back-Channel Logout §3 / §2.1). Only what is implemented is advertised.
 */
export function serverMetadata(config: Config): Record<string, unknown> {
  const urls = endpoints(config);
  const authMethods = config.clientSecretKey ? [...AUTH_METHODS] : AUTH_METHODS.filter((m) => m !== 'client_secret_jwt');
  const confidentialMethods = authMethods.filter((m) => m !== 'none');
  const authAlgs = config.clientSecretKey ? [...CLIENT_ASSERTION_ALGS] : [...ASYMMETRIC_ALGS];
  const metadata: Record<string, unknown> = {
    issuer: config.issuer,
    authorization_endpoint: urls.authorization,
    token_endpoint: urls.token,
    userinfo_endpoint: urls.userinfo,
    jwks_uri: urls.jwks,
    revocation_endpoint: urls.revocation,
    introspection_endpoint: urls.introspection,
    scopes_supported: SCOPES,
    claims_supported: CLAIMS,
    response_types_supported: [...RESPONSE_TYPES],
    response_modes_supported: [...RESPONSE_MODES],
    grant_types_supported: [...GRANT_TYPES],
    subject_types_supported: ['public'],
    token_endpoint_auth_methods_supported: authMethods,
    token_endpoint_auth_signing_alg_values_supported: authAlgs,
    revocation_endpoint_auth_methods_supported: authMethods,
    revocation_endpoint_auth_signing_alg_values_supported: authAlgs,
    introspection_endpoint_auth_methods_supported: confidentialMethods,
    introspection_endpoint_auth_signing_alg_values_supported: authAlgs,
    // RFC 9701 §7: JWT introspection responses are signed with the access-token key.
    introspection_signing_alg_values_supported: [config.accessTokenAlg],
    id_token_signing_alg_values_supported: config.signingAlgs,
    authorization_signing_alg_values_supported: config.signingAlgs,
    authorization_encryption_alg_values_supported: JWE_ALGS,
    authorization_encryption_enc_values_supported: JWE_ENCS,
    request_parameter_supported: true,
    request_uri_parameter_supported: false,
    request_object_signing_alg_values_supported: [...ASYMMETRIC_ALGS],
    require_pushed_authorization_requests: config.requirePar,
    code_challenge_methods_supported: PKCE_METHODS.filter((m) => m === 'S256' || config.allowPkcePlain),
    claims_parameter_supported: true,
    authorization_response_iss_parameter_supported: true,
    prompt_values_supported: PROMPTS,
    ui_locales_supported: [...UI_LOCALES],
    end_session_endpoint: urls.endSession,
    check_session_iframe: urls.checkSession,
    ...LOGOUT_SUPPORT,
  };
  if (config.parEnabled) metadata.pushed_authorization_request_endpoint = urls.par;
  return metadata;
}
