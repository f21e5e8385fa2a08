import { endpoints, mtlsEndpointAliases, type Config } from '../config';
import { ASYMMETRIC_ALGS, FAPI2_AUTH_METHODS, FAPI2_SIGNING_ALGS, PKCE_METHODS } from './capabilities';
import { isPublicClient, type Client } from './types';

/**
 * What the rules for one client are on this request, resolved once from the
 * server's settings and the client's registration, so no entry point repeats
 * `config.x || client.y` or `fapi2 ? … : …`.
 */
export interface ClientPolicy {
  /** FAPI 2.0 Security Profile: set globally (`FAPI2`) or by `client_profile: "fapi2"` (or `"fapi2-message-signing"`). */
  fapi2: boolean;
  /** FAPI 2.0 Message Signing: `FAPI2_MESSAGE_SIGNING` or `client_profile: "fapi2-message-signing"`. */
  message_signing: boolean;
  /** PKCE is required at the authorization endpoint (RFC 9700 §2.1.1, RFC 7636 §4.4.1). */
  pkce_required: boolean;
  /** Accepted `code_challenge_method` values: S256 only under FAPI 2.0 (§5.3.2.2). */
  pkce_methods: readonly string[];
  /** Authorization requests only through PAR (RFC 9126 §5; FAPI 2.0 §5.3.2.2). */
  par_required: boolean;
  /** The pushed request must name its redirect_uri, never default it (FAPI 2.0 §5.3.2.2). */
  redirect_uri_required: boolean;
  /** Token endpoint authentication methods the client may use; FAPI 2.0 §5.3.2.1: mTLS or private_key_jwt. */
  auth_methods: readonly string[] | 'any';
  /** Algorithms accepted on its client assertions and request objects (FAPI 2.0 §5.4.1: no RS256). */
  signing_algs: readonly string[];
  /** Algorithms of what we sign for it: ID tokens and logout tokens, JARM responses (FAPI 2.0 §5.4.1). */
  id_token_signing_alg: string;
  authorization_signing_alg: string;
  /** Plain parameters refused at PAR and /authorize (RFC 9101 §10.5; FAPI 2.0 Message Signing §5.3.2). */
  signed_request_object_required: boolean;
  /** Request objects must be encrypted with this alg and enc (RFC 9101 §6.1), when the client registered them. */
  request_object_encryption?: { alg: string; enc?: string };
  /** A request object must carry `exp` (FAPI 2.0 §5.3.2.1) and `nbf` (Message Signing §5.3.2). */
  request_object_exp_required: boolean;
  request_object_nbf_required: boolean;
  /** Authorization code lifetime (s): at most 60 under FAPI 2.0 (§5.3.2.1). */
  code_lifetime: number;
  /** Longest request_uri lifetime (s, `expires_in`): under 600 for FAPI 2.0 (§5.3.2.2). */
  request_uri_lifetime: number;
  /** Seconds of skew tolerated on JWTs from the client: FAPI 2.0 §5.3.2.1 accepts up to 10 s ahead and rejects 60 s. */
  clock_skew: number;
  /**
   * The `aud` values a client assertion may carry (RFC 7523 §3, RFC 9126 §2):
   * the issuer, token, PAR, revocation and introspection endpoint URLs (and
   * their RFC 8705 §5 mTLS aliases); only
   * the issuer under FAPI 2.0.
   */
  assertion_audiences: readonly string[];
  /** FAPI 2.0 §5.3.2.1: the issuer only "as a string", never inside an array. */
  assertion_audience_string_only: boolean;
  /**
   * Absolute lifetime (s) of the refresh tokens of one grant, fixed when the
   * code is redeemed (rotation keeps it): `PUBLIC_CLIENT_REFRESH_LIFETIME`
   * bounds it for public clients (OAuth 2.0 for Browser-Based Applications
   * §6.3.2.3, RFC 9700 §4.14.2).
   */
  refresh_token_lifetime: number;
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`: a token request without a DPoP proof is refused. */
  dpop_bound_access_tokens: boolean;
  /** RFC 8705 §3.4 `tls_client_certificate_bound_access_tokens`: access tokens carry the certificate's `x5t#S256`. */
  certificate_bound_access_tokens: boolean;
  /**
   * Access tokens must be sender-constrained, by DPoP (RFC 9449) or by the
   * client certificate (RFC 8705 §3): under FAPI 2.0 (Security Profile
   * §5.3.2.1) and for clients registered for either binding.
   */
  sender_constrained_required: boolean;
  /** Every DPoP proof of this client must carry a server nonce (RFC 9449 §8; `DPOP_NONCE`). */
  dpop_nonce_required: boolean;
}

/** FAPI 2.0 Security Profile §5.3.2.1: an authorization code lives at most one minute. */
export const FAPI2_MAX_CODE_LIFETIME = 60;
/** FAPI 2.0 Security Profile §5.3.2.2: `expires_in` of a request_uri is under 600 s. */
export const FAPI2_MAX_REQUEST_URI_LIFETIME = 599;
/** FAPI 2.0 Security Profile §5.3.2.1: accept iat/nbf up to 10 s ahead; reject 60 s or more ahead. */
export const FAPI2_CLOCK_SKEW = { min: 10, max: 59 } as const;

const defaultAudiences = new WeakMap<Config, readonly string[]>();

/** The default assertion audiences of a configuration, built once per config object. */
function audiencesOf(config: Config): readonly string[] {
  let audiences = defaultAudiences.get(config);
  if (!audiences) {
    const urls = endpoints(config);
    const mtls = mtlsEndpointAliases(config);
    // RFC 8705 §5: a client calling an alias may name the URL it called.
    const aliased = mtls ? [mtls.token, mtls.par, mtls.revocation, mtls.introspection] : [];
    audiences = [config.issuer, urls.token, urls.par, urls.revocation, urls.introspection, ...aliased];
    defaultAudiences.set(config, audiences);
  }
  return audiences;
}

/** Whether FAPI 2.0 applies to `client` under `config` (globally or by its profile). */
export function isFapi2(client: Pick<Client, 'client_profile'>, config: Pick<Config, 'fapi2'>): boolean {
  return config.fapi2 || client.client_profile === 'fapi2' || client.client_profile === 'fapi2-message-signing';
}

/** The FAPI 2.0 alg we sign with for a client that registered none, or RS256 before the profile applied (FAPI 2.0 §5.4.1). */
export function fapi2DefaultAlg(config: Pick<Config, 'signingAlgs'>): string {
  return config.signingAlgs.includes('PS256') ? 'PS256' : 'ES256';
}

/** `alg`, unless FAPI 2.0 forbids it: then the profile's default (FAPI 2.0 §5.4.1). */
function fapiAlg(alg: string, fapi2: boolean, config: Config): string {
  return fapi2 && !(FAPI2_SIGNING_ALGS as readonly string[]).includes(alg) ? fapi2DefaultAlg(config) : alg;
}

/** Resolves the policy of `client` under `config` (DESIGN.md "Client assertion aud"; FAPI 2.0 §5.3, Message Signing §5.3). */
export function resolveClientPolicy(client: Client, config: Config): ClientPolicy {
  const fapi2 = isFapi2(client, config);
  const message_signing = config.fapi2MessageSigning || client.client_profile === 'fapi2-message-signing';
  const requestUriLifetime = client.par_lifetime ?? config.parLifetime;
  const dpop_bound_access_tokens = client.dpop_bound_access_tokens === true;
  const certificate_bound_access_tokens = client.tls_client_certificate_bound_access_tokens === true;
  return {
    fapi2,
    message_signing,
    pkce_required: isPublicClient(client) || config.requirePkceForAll || fapi2,
    pkce_methods: PKCE_METHODS.filter((m) => m === 'S256' || (config.allowPkcePlain && !fapi2)),
    par_required: client.require_pushed_authorization_requests || config.requirePar || fapi2,
    redirect_uri_required: fapi2,
    auth_methods: fapi2 ? FAPI2_AUTH_METHODS : 'any',
    signing_algs: fapi2 ? FAPI2_SIGNING_ALGS : ASYMMETRIC_ALGS,
    id_token_signing_alg: fapiAlg(client.id_token_signed_response_alg, fapi2, config),
    authorization_signing_alg: fapiAlg(client.authorization_signed_response_alg ?? (fapi2 ? fapi2DefaultAlg(config) : 'RS256'), fapi2, config),
    signed_request_object_required: message_signing || config.requireSignedRequestObject || client.require_signed_request_object === true,
    ...(client.request_object_encryption_alg && {
      request_object_encryption: { alg: client.request_object_encryption_alg, enc: client.request_object_encryption_enc },
    }),
    request_object_exp_required: fapi2,
    request_object_nbf_required: message_signing,
    code_lifetime: fapi2 ? Math.min(config.codeLifetime, FAPI2_MAX_CODE_LIFETIME) : config.codeLifetime,
    request_uri_lifetime: fapi2 ? Math.min(requestUriLifetime, FAPI2_MAX_REQUEST_URI_LIFETIME) : requestUriLifetime,
    clock_skew: fapi2 ? Math.min(Math.max(config.clockSkew, FAPI2_CLOCK_SKEW.min), FAPI2_CLOCK_SKEW.max) : config.clockSkew,
    assertion_audiences: fapi2 ? [config.issuer] : audiencesOf(config),
    assertion_audience_string_only: fapi2,
    refresh_token_lifetime: isPublicClient(client) ? Math.min(config.publicClientRefreshLifetime, config.refreshTokenLifetime) : config.refreshTokenLifetime,
    dpop_bound_access_tokens,
    certificate_bound_access_tokens,
    sender_constrained_required: fapi2 || dpop_bound_access_tokens || certificate_bound_access_tokens,
    dpop_nonce_required: config.dpopNonce,
  };
}
