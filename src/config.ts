/**
 * Every setting of Portcullis in one table (SETTINGS): its Worker var, default,
 * bounds, meaning and parser. `parseConfig` is driven by the table, and the
 * README's configuration section is generated from it (`npm run docs:config`).
 * Nothing else reads raw environment strings. An invalid value throws a
 * ConfigError naming the setting: the server refuses to run half-configured.
 */
import { CLIENT_ASSERTION_ALGS, ENCRYPTION_KEY_ALGS, SIGNING_ALGS, type EncryptionKeyAlg, type SigningAlg } from './oauth/capabilities';

export { CLIENT_ASSERTION_ALGS, ENCRYPTION_KEY_ALGS, SIGNING_ALGS, type EncryptionKeyAlg, type SigningAlg };

import { ConfigError, integer, flag, text, parseResource, brandUrl, parseColour, parseIssuer, parseOrigin, parseAlgs, parseAlg, type Setting } from './config-values';

export { ConfigError, type Setting };

const DAY = 86_400;

/** Every setting, in the order the README lists them. The keys are the `Config` field names. */
export const SETTINGS = {
  issuer: { env: 'ISSUER', default: 'http://localhost:8787', meaning: 'issuer identifier (RFC 8414 §2); https (http only for localhost), no query or fragment', parse: parseIssuer },
  parEnabled: flag('PAR_ENABLED', true, '`false` turns the PAR endpoint off (404) and removes it from discovery'),
  requirePar: flag('REQUIRE_PAR', false, 'every client must use PAR (RFC 9126 §5 `require_pushed_authorization_requests` in discovery)'),
  parLifetime: integer('PAR_LIFETIME', 60, 5, 600, "request_uri lifetime in seconds (RFC 9126 §2.2 `expires_in`); a client's `par_lifetime` overrides it; a request object's sooner `exp` shortens it"),
  codeLifetime: integer('CODE_LIFETIME', 60, 10, 600, 'authorization code lifetime (s)'),
  accessTokenLifetime: integer('ACCESS_TOKEN_LIFETIME', 600, 60, DAY, 'access token lifetime (s)'),
  idTokenLifetime: integer('ID_TOKEN_LIFETIME', 3600, 60, DAY, 'ID token lifetime (s)'),
  refreshTokenLifetime: integer('REFRESH_TOKEN_LIFETIME', 30 * DAY, 300, 365 * DAY, 'refresh token lifetime (s)'),
  publicClientRefreshLifetime: integer('PUBLIC_CLIENT_REFRESH_LIFETIME', DAY, 300, 365 * DAY, "absolute refresh token lifetime (s) for public clients (browser-based and native apps); rotation never extends it, and the shorter of this and `REFRESH_TOKEN_LIFETIME` applies (OAuth 2.0 for Browser-Based Applications §6.3.2.3)"),
  refreshIdToken: flag('REFRESH_ID_TOKEN', true, 'whether a refresh of a grant with `openid` returns a new ID token (OpenID Connect Core §12.2 makes it optional); `false` saves its signature on every refresh, about 0.8 ms of CPU with the default RS256 (README "Cost and capacity")'),
  refreshGrace: integer('REFRESH_GRACE', 60, 0, 300, 'seconds (strict: a retry must come sooner) in which a confidential client may retry with its previous refresh token (FAPI 2.0 §5.3.2.1); the default clears the 30 s wait of the conformance suite'),
  sessionLifetime: integer('SESSION_LIFETIME', 12 * 3600, 300, 30 * DAY, 'seconds a browser session lasts after a password login (the session cookie lives as long)'),
  interactionLifetime: integer('INTERACTION_LIFETIME', 30 * 60, 60, DAY, 'seconds a started login and consent (the interaction and its browser-binding cookie) may take; the PAR lifetime bounds only the first visit'),
  signingAlgs: { env: 'SIGNING_ALGS', default: SIGNING_ALGS.join(','), meaning: 'algorithms the server signs with, and accepts on request objects (RS256 required by OpenID Connect Core §15.1)', parse: parseAlgs },
  accessTokenAlg: { env: 'ACCESS_TOKEN_ALG', default: 'ES256', meaning: 'access token signature algorithm; one of `SIGNING_ALGS`', parse: parseAlg },
  jwksMaxAge: integer('JWKS_MAX_AGE', 300, 0, 12 * 3600, '`Cache-Control: max-age` of `/jwks` (s; plus 60 s `stale-while-revalidate`); a new key is published this long (plus the 5-minute isolate key cache) before it signs, and a retired key stays that much longer'),
  keyRotationInterval: integer('KEY_ROTATION_INTERVAL', 90 * DAY, 0, 3650 * DAY, 'seconds between scheduled key rotations (the cron trigger stages the next keys this long after the current ones began signing); `0` turns scheduled rotation off; otherwise at least one day'),
  defaultResource: { env: 'DEFAULT_RESOURCE', meaning: 'identifier of a registered API that is the audience of access tokens requested without `resource` whose scope goes beyond OpenID Connect scopes; unset means the UserInfo endpoint (README "APIs and resource indicators")', parse: parseResource },
  mtlsHost: { env: 'MTLS_HOST', meaning: 'origin of the mTLS-enabled hostname (e.g. `https://mtls.op.example`) that serves the same Worker; set, it turns on `tls_client_auth` and `self_signed_tls_client_auth` (RFC 8705 §2) and, when its origin differs from the issuer origin, publishes `mtls_endpoint_aliases` (RFC 8705 §5; README "mTLS on Cloudflare")', parse: parseOrigin },
  fapi2: flag('FAPI2', false, 'the FAPI 2.0 Security Profile for every client (README "FAPI 2.0"): PAR, PKCE S256, `private_key_jwt` or mTLS, PS256/ES256/EdDSA only, assertion `aud` the issuer, codes of at most 60 s; needs PS256 or ES256 in `SIGNING_ALGS` and an `ACCESS_TOKEN_ALG` other than RS256'),
  fapi2MessageSigning: flag('FAPI2_MESSAGE_SIGNING', false, 'FAPI 2.0 Message Signing on top of `FAPI2` for every client: signed request objects at PAR, with `nbf` (FAPI 2.0 Message Signing §5.3.2)'),
  requireSignedRequestObject: flag('REQUIRE_SIGNED_REQUEST_OBJECT', false, 'every authorization request must come as a signed request object (RFC 9101 §10.5 `require_signed_request_object` in discovery); a client sets it for itself with the metadata of the same name'),
  allowPkcePlain: flag('ALLOW_PKCE_PLAIN', false, 'accept `code_challenge_method=plain` (RFC 9700 §2.1.1 advises against it)'),
  requirePkceForAll: flag('REQUIRE_PKCE_FOR_ALL', false, 'PKCE for confidential clients too (always on for public clients)'),
  dpopProofLifetime: integer('DPOP_PROOF_LIFETIME', 60, 5, 600, 'seconds a DPoP proof is accepted after its `iat` (plus `CLOCK_SKEW` either side); its `jti` is remembered that long (RFC 9449 §4.3, §11.1)'),
  dpopNonce: flag('DPOP_NONCE', false, 'require a server nonce in every DPoP proof at `/token`, `/par` and `/userinfo` (RFC 9449 §8, §9); nonces rotate every 5 minutes and need `DPOP_NONCE_SECRET`'),
  dpopNonceSecret: text('DPOP_NONCE_SECRET', 'key (at least 32 characters) from which DPoP nonces are derived by HMAC over the time slot, so checking one writes nothing; required when `DPOP_NONCE=true`', true),
  clockSkew: integer('CLOCK_SKEW', 30, 0, 300, 'seconds of clock skew tolerated on JWTs'),
  maxJwtLifetime: integer('MAX_JWT_LIFETIME', 300, 30, 3600, 'longest accepted client assertion (`exp` − now, s)'),
  maxRequestObjectLifetime: integer('MAX_REQUEST_OBJECT_LIFETIME', 3600, 30, 3600, 'longest accepted request object (`exp` − now, s; FAPI 2.0 §5.3.2.1 allows at most 60 min); without `exp` (non-FAPI clients) the oldest accepted `iat`'),
  maxBodyBytes: integer('MAX_BODY_BYTES', 64 * 1024, 1024, 1024 * 1024, 'request body limit in bytes (413 beyond it)'),
  clientCacheTtl: integer('CLIENT_CACHE_TTL', 30, 0, 3600, 'seconds a client registration, a fetched `jwks_uri` and a user record (for `/userinfo`) stay cached in an isolate'),
  storageTimeoutMs: integer('STORAGE_TIMEOUT_MS', 5000, 50, 30_000, 'longest wait (ms) for one KV, D1 or Durable Object call before answering 503'),
  backchannelRetryDelay: integer('BACKCHANNEL_RETRY_DELAY', 5, 0, 600, 'seconds before the first retry of a failed back-channel logout delivery; doubles per attempt, capped at 600 s'),
  loginFailuresPerAccount: integer('LOGIN_FAILURES_PER_ACCOUNT', 5, 1, 1000, 'failed logins per account, from any address, before each further attempt must wait `LOGIN_ACCOUNT_DELAY` after the previous one (a slowdown, never a lockout; NIST SP 800-63B §5.2.2); forgotten after `LOGIN_FAILURE_WINDOW` without a failure'),
  loginFailuresPerAccountAndIp: integer('LOGIN_FAILURES_PER_ACCOUNT_AND_IP', 5, 1, 1000, 'failed logins per account from one client address per window before that address gets 429 for that account'),
  loginAccountDelay: integer('LOGIN_ACCOUNT_DELAY', 30, 1, 3600, 'seconds the first attempt beyond `LOGIN_FAILURES_PER_ACCOUNT` waits; doubles with each further failure'),
  loginAccountMaxDelay: integer('LOGIN_ACCOUNT_MAX_DELAY', 300, 1, DAY, 'longest wait (s) between attempts on one account, however many failures'),
  loginFailuresPerIp: integer('LOGIN_FAILURES_PER_IP', 20, 1, 10_000, 'failed logins per client IP per window before 429'),
  loginFailureWindow: integer('LOGIN_FAILURE_WINDOW', 900, 10, DAY, 'seconds of the login failure window'),
  clientAuthFailures: integer('CLIENT_AUTH_FAILURES', 20, 1, 10_000, 'failed client authentications per client and address per window before 429'),
  clientAuthFailureWindow: integer('CLIENT_AUTH_FAILURE_WINDOW', 300, 10, DAY, 'seconds of that window'),
  adminToken: text('ADMIN_TOKEN', 'bearer token for `/admin`; unset means the admin API answers 404', true),
  clientSecretKey: text('CLIENT_SECRET_KEY', 'key that seals `client_secret_jwt` secrets; without it that method is not offered', true),
  signingKeys: text('SIGNING_KEYS', 'a private JWKS (each key with `kid` and `alg`, one for every `SIGNING_ALGS` entry, plus optional `use: "enc"` keys with `alg` RSA-OAEP-256 or ECDH-ES (P-256) for encrypted request objects); unset means keys are generated once and kept in a Durable Object', true),
  brandName: { env: 'BRAND_NAME', default: 'Portcullis', meaning: 'product name on every page (login, consent, logout, errors, `/`) and in page titles', parse: (v: string | undefined) => v!.slice(0, 80) },
  brandLogoUrl: { env: 'BRAND_LOGO_URL', meaning: 'https URL of a logo shown above every page (its origin is added to the pages\' CSP `img-src`); unset shows the built-in mark', parse: brandUrl(false) },
  brandColour: { env: 'BRAND_PRIMARY_COLOR', meaning: 'primary colour of buttons and links, a CSS hex colour (`#1d4ed8`); the button text is black or white, whichever contrasts more', parse: parseColour },
  brandSupportUrl: { env: 'BRAND_SUPPORT_URL', meaning: 'https URL or `mailto:` address of the operator\'s help, linked in every page\'s footer', parse: brandUrl(true) },
  brandPrivacyUrl: { env: 'BRAND_PRIVACY_URL', meaning: 'https URL of the operator\'s privacy policy, linked in every page\'s footer', parse: brandUrl(false) },
  brandTermsUrl: { env: 'BRAND_TERMS_URL', meaning: 'https URL of the operator\'s terms of service, linked in every page\'s footer', parse: brandUrl(false) },
  demoClientSecret: text('DEMO_CLIENT_SECRET', 'turns on the demo relying party at `/demo` (set by `npm start` in `.dev.vars`; never set it in a deployment)'),
} satisfies Record<string, Setting>;

type Settings = typeof SETTINGS;
type Values = { [K in keyof Settings]: ReturnType<Settings[K]['parse']> };
type LimitKeys = 'loginFailuresPerAccount' | 'loginFailuresPerIp' | 'loginFailureWindow' | 'clientAuthFailures' | 'clientAuthFailureWindow';

export interface Limit {
  limit: number;
  windowSeconds: number;
}

/** The parsed settings: one field per SETTINGS entry, the failure limits grouped under `limits`. */
export type Config = Omit<Values, LimitKeys> & {
  /** Failures allowed per subject per window before 429 (NIST SP 800-63B §5.2.2). */
  limits: { loginPerAccount: Limit; loginPerIp: Limit; clientAuthFailures: Limit };
};

type Raw = Record<string, unknown>;

/** The raw string of a var; empty means unset (`wrangler --var NAME:`). */
function read(env: Raw, name: string): string | undefined {
  const v = env[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new ConfigError(name, 'must be a string');
  return v;
}

export function parseConfig(env: Raw): Config {
  const values: Record<string, unknown> = {};
  for (const [key, setting] of Object.entries(SETTINGS) as Array<[string, Setting]>) {
    values[key] = setting.parse(read(env, setting.env) ?? setting.default, setting.env);
  }
  const v = values as Values;
  if (v.keyRotationInterval > 0 && v.keyRotationInterval < DAY) throw new ConfigError('KEY_ROTATION_INTERVAL', `must be 0 (off) or at least ${DAY} s`);
  if (v.dpopNonce && (v.dpopNonceSecret?.length ?? 0) < 32) throw new ConfigError('DPOP_NONCE_SECRET', 'must be set, at least 32 characters, when DPOP_NONCE=true');
  if (!v.signingAlgs.includes(v.accessTokenAlg)) {
    throw new ConfigError('ACCESS_TOKEN_ALG', `must be one of SIGNING_ALGS (${v.signingAlgs.join(', ')})`);
  }
  if (v.fapi2MessageSigning && !v.fapi2) throw new ConfigError('FAPI2_MESSAGE_SIGNING', 'needs FAPI2=true (FAPI 2.0 Message Signing §5 builds on the Security Profile)');
  if (v.fapi2 && !v.signingAlgs.some((a) => a === 'PS256' || a === 'ES256')) throw new ConfigError('FAPI2', 'needs PS256 or ES256 in SIGNING_ALGS (FAPI 2.0 Security Profile §5.4.1)');
  if (v.fapi2 && !v.parEnabled) throw new ConfigError('FAPI2', 'needs PAR_ENABLED=true (FAPI 2.0 Security Profile §5.3.2.2)');
  if (v.fapi2 && v.accessTokenAlg === 'RS256') throw new ConfigError('FAPI2', 'needs an ACCESS_TOKEN_ALG other than RS256 (FAPI 2.0 Security Profile §5.4.1)');
  const { loginFailuresPerAccount, loginFailuresPerIp, loginFailureWindow, clientAuthFailures, clientAuthFailureWindow, ...rest } = v;
  return {
    ...rest,
    limits: {
      loginPerAccount: { limit: loginFailuresPerAccount, windowSeconds: loginFailureWindow },
      loginPerIp: { limit: loginFailuresPerIp, windowSeconds: loginFailureWindow },
      clientAuthFailures: { limit: clientAuthFailures, windowSeconds: clientAuthFailureWindow },
    },
  };
}

const cache = new WeakMap<object, Config>();

/** The parsed config for this env object, parsed once per isolate. */
export function getConfig(env: object): Config {
  let config = cache.get(env);
  if (!config) {
    config = parseConfig(env as Raw);
    cache.set(env, config);
  }
  return config;
}

/** Endpoint URLs derived from the issuer; one place so discovery and audience checks agree. */
export function endpoints(config: Config) {
  const base = config.issuer;
  return {
    authorization: `${base}/authorize`,
    par: `${base}/par`,
    token: `${base}/token`,
    userinfo: `${base}/userinfo`,
    jwks: `${base}/jwks`,
    revocation: `${base}/revoke`,
    introspection: `${base}/introspect`,
    endSession: `${base}/logout`,
    checkSession: `${base}/session/check`,
  };
}

/** The endpoints of `endpoints()` that RFC 8705 §5 aliases on the mTLS host, keyed like `endpoints()`. */
const MTLS_ALIASED = ['token', 'par', 'revocation', 'introspection', 'userinfo'] as const;
export type MtlsAliases = Record<(typeof MTLS_ALIASED)[number], string>;

/**
 * The same endpoints on `MTLS_HOST` (RFC 8705 §5 `mtls_endpoint_aliases`): the
 * path is the issuer's, the origin the mTLS host's. Undefined when MTLS_HOST is
 * unset or is the issuer's own origin (then the endpoints need no alias).
 * Anything that checks a URL the client aimed at (assertion `aud`, DPoP `htu`)
 * accepts these too.
 */
export function mtlsEndpointAliases(config: Config): MtlsAliases | undefined {
  if (!config.mtlsHost || config.mtlsHost === new URL(config.issuer).origin) return undefined;
  const urls = endpoints(config);
  const alias = (url: string) => config.mtlsHost + new URL(url).pathname;
  return Object.fromEntries(MTLS_ALIASED.map((name) => [name, alias(urls[name])])) as MtlsAliases;
}
