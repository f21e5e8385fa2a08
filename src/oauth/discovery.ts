import { endpoints, mtlsEndpointAliases, type Config } from '../config';
import {
  ASYMMETRIC_ALGS, AUTH_METHODS, CLAIMS, CLIENT_ASSERTION_ALGS, DPOP_SIGNING_ALGS, FAPI2_AUTH_METHODS, FAPI2_SIGNING_ALGS, GRANT_TYPES, JWE_ALGS, JWE_ENCS,
  LOGOUT_SUPPORT, MTLS_AUTH_METHODS, PKCE_METHODS, PROMPTS, REQUEST_OBJECT_ENC_ENCS, RESPONSE_MODES, RESPONSE_TYPES, SCOPES, UI_LOCALES,
} from './capabilities';
import { requestObjectEncryptionAlgs } from './request-object-decryption';

/** Re-exported for callers that still import them from here; the lists live in capabilities.ts. */
export { CLAIMS, SCOPES };

/**
 * The server's metadata (RFC 8414 §2, OpenID Connect Discovery 1.0 §3,
 * RFC 9126 §5, RFC 9207 §3, RFC 9449 §5.1, RFC 8705 §3.3 and §5, JARM §3, RP-Initiated Logout §2.1, Session Management
 * §3.3, Front-/Back-Channel Logout §3 / §2.1). Only what is implemented is advertised.
 */
export function serverMetadata(config: Config): Record<string, unknown> {
  const urls = endpoints(config);
  // FAPI2=true: only what a FAPI 2.0 client may use is advertised (FAPI 2.0 Security Profile §5.3.2.1, §5.4.1).
  const fapi = config.fapi2;
  const offeredMethods = AUTH_METHODS.filter((m) => (m !== 'client_secret_jwt' || config.clientSecretKey)
    && (config.mtlsHost || !(MTLS_AUTH_METHODS as readonly string[]).includes(m)));
  const authMethods = fapi ? offeredMethods.filter((m) => (FAPI2_AUTH_METHODS as readonly string[]).includes(m)) : offeredMethods;
  const confidentialMethods = authMethods.filter((m) => m !== 'none');
  const asymmetric = fapi ? [...FAPI2_SIGNING_ALGS] : [...ASYMMETRIC_ALGS];
  const authAlgs = config.clientSecretKey && !fapi ? [...CLIENT_ASSERTION_ALGS] : asymmetric;
  const signingAlgs = fapi ? config.signingAlgs.filter((a) => (FAPI2_SIGNING_ALGS as readonly string[]).includes(a)) : config.signingAlgs;
  const encryptionAlgs = requestObjectEncryptionAlgs(config);
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
    id_token_signing_alg_values_supported: signingAlgs,
    authorization_signing_alg_values_supported: signingAlgs,
    authorization_encryption_alg_values_supported: JWE_ALGS,
    authorization_encryption_enc_values_supported: JWE_ENCS,
    request_parameter_supported: true,
    request_uri_parameter_supported: false,
    request_object_signing_alg_values_supported: asymmetric,
    require_pushed_authorization_requests: config.requirePar || fapi,
    code_challenge_methods_supported: PKCE_METHODS.filter((m) => m === 'S256' || (config.allowPkcePlain && !fapi)),
    claims_parameter_supported: true,
    authorization_response_iss_parameter_supported: true,
    prompt_values_supported: PROMPTS,
    dpop_signing_alg_values_supported: [...DPOP_SIGNING_ALGS],
    tls_client_certificate_bound_access_tokens: true,
    ui_locales_supported: [...UI_LOCALES],
    end_session_endpoint: urls.endSession,
    check_session_iframe: urls.checkSession,
    ...LOGOUT_SUPPORT,
  };
  if (config.parEnabled) metadata.pushed_authorization_request_endpoint = urls.par;
  const aliases = mtlsEndpointAliases(config);
  if (aliases) metadata.mtls_endpoint_aliases = mtlsAliasMetadata(aliases, config.parEnabled);
  // RFC 9101 §6.1, OpenID Connect Discovery §3: request objects encrypted to our `use: "enc"` keys in /jwks.
  if (encryptionAlgs.length) {
    metadata.request_object_encryption_alg_values_supported = encryptionAlgs;
    metadata.request_object_encryption_enc_values_supported = REQUEST_OBJECT_ENC_ENCS;
  }
  // RFC 9101 §10.5: advertised when every client must sign its requests.
  if (config.requireSignedRequestObject || config.fapi2MessageSigning) metadata.require_signed_request_object = true;
  return metadata;
}

/** RFC 8705 §5: the aliases under the metadata names of the endpoints they stand for. */
function mtlsAliasMetadata(aliases: NonNullable<ReturnType<typeof mtlsEndpointAliases>>, parEnabled: boolean): Record<string, string> {
  return {
    token_endpoint: aliases.token,
    ...(parEnabled && { pushed_authorization_request_endpoint: aliases.par }),
    revocation_endpoint: aliases.revocation,
    introspection_endpoint: aliases.introspection,
    userinfo_endpoint: aliases.userinfo,
  };
}
