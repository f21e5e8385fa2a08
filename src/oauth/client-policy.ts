import { endpoints, mtlsEndpointAliases, type Config } from '../config';
import { isPublicClient, type Client } from './types';

/**
 * What the rules for one client are on this request, resolved once from the
 * server's settings and the client's registration, so no entry point repeats
 * `config.x || client.y`.
 */
export interface ClientPolicy {
  /** FAPI 2.0 Security Profile: set globally (`FAPI2`) or by `client_profile: "fapi2"`. */
  fapi2: boolean;
  /** PKCE is required at the authorization endpoint (RFC 9700 §2.1.1, RFC 7636 §4.4.1). */
  pkce_required: boolean;
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

/** Resolves the policy of `client` under `config` (DESIGN.md "Client assertion aud"; FAPI 2.0 §5.3). */
export function resolveClientPolicy(client: Client, config: Config): ClientPolicy {
  const fapi2 = config.fapi2 || client.client_profile === 'fapi2';
  const dpop_bound_access_tokens = client.dpop_bound_access_tokens === true;
  const certificate_bound_access_tokens = client.tls_client_certificate_bound_access_tokens === true;
  return {
    fapi2,
    pkce_required: isPublicClient(client) || config.requirePkceForAll || fapi2,
    assertion_audiences: fapi2 ? [config.issuer] : audiencesOf(config),
    assertion_audience_string_only: fapi2,
    refresh_token_lifetime: isPublicClient(client) ? Math.min(config.publicClientRefreshLifetime, config.refreshTokenLifetime) : config.refreshTokenLifetime,
    dpop_bound_access_tokens,
    certificate_bound_access_tokens,
    sender_constrained_required: fapi2 || dpop_bound_access_tokens || certificate_bound_access_tokens,
    dpop_nonce_required: config.dpopNonce,
  };
}
