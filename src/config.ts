/**
 * Every setting of Portcullis, parsed and validated once per isolate. Nothing
 * else reads raw environment strings. An invalid value throws a ConfigError
 * naming the setting: the server refuses to run half-configured.
 */
export const SIGNING_ALGS = ['ES256', 'EdDSA', 'PS256', 'RS256'] as const;
export type SigningAlg = (typeof SIGNING_ALGS)[number];
export const CLIENT_ASSERTION_ALGS = ['ES256', 'ES384', 'EdDSA', 'PS256', 'PS384', 'RS256', 'RS384', 'HS256', 'HS384', 'HS512'] as const;

export interface Config {
  /** The issuer identifier (OIDC Discovery §3, RFC 8414 §2). */
  issuer: string;
  /** Janssen's PAR feature flag: disabled → /par answers 404 and discovery omits it. */
  parEnabled: boolean;
  /** RFC 9126 §5 `require_pushed_authorization_requests` for every client. */
  requirePar: boolean;
  /** Default request_uri lifetime in seconds (RFC 9126 §2.2 `expires_in`). */
  parLifetime: number;
  codeLifetime: number;
  accessTokenLifetime: number;
  idTokenLifetime: number;
  refreshTokenLifetime: number;
  /** Grace window (s) in which a confidential client may retry with its previous refresh token (FAPI 2.0 §5.3.2.1). */
  refreshGrace: number;
  /** Algorithms this server signs with, and accepts on request objects. */
  signingAlgs: SigningAlg[];
  accessTokenAlg: SigningAlg;
  /** Accept only the issuer as client assertion `aud` (FAPI 2.0) for every client. */
  fapi2: boolean;
  /** `code_challenge_method=plain` accepted only when set (RFC 9700 §2.1.1). */
  allowPkcePlain: boolean;
  /** PKCE required for every client, not just public ones. */
  requirePkceForAll: boolean;
  clockSkew: number;
  /** Upper bound on client assertion and request object lifetime (exp - now). */
  maxJwtLifetime: number;
  maxBodyBytes: number;
  /** In-isolate cache lifetime (s) of client registrations and fetched jwks_uri documents. */
  clientCacheTtl: number;
  /** Failures allowed per subject per window before 429 (NIST SP 800-63B §5.2.2). */
  limits: {
    loginPerAccount: Limit;
    loginPerIp: Limit;
    clientAuthFailures: Limit;
  };
  /** Back-channel logout: seconds before the first retry; doubles per attempt (README: Back-channel logout delivery). */
  backchannelRetryDelay: number;
  /** Longest wait (ms) for one KV, D1 or Durable Object call before answering 503. */
  storageTimeoutMs: number;
  adminToken: string | undefined;
  clientSecretKey: string | undefined;
  signingKeys: string | undefined;
  /** Turns on the local demo relying party at /demo (set by `npm start` only). */
  demoClientSecret: string | undefined;
}

export interface Limit {
  limit: number;
  windowSeconds: number;
}

export class ConfigError extends Error {
  constructor(readonly setting: string, problem: string) {
    super(`Invalid configuration: ${setting} ${problem}`);
    this.name = 'ConfigError';
  }
}

type Raw = Record<string, unknown>;

function str(env: Raw, name: string): string | undefined {
  const v = env[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new ConfigError(name, 'must be a string');
  return v;
}

function bool(env: Raw, name: string, fallback: boolean): boolean {
  const v = str(env, name);
  if (v === undefined) return fallback;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw new ConfigError(name, `must be "true" or "false", got "${v}"`);
}

function int(env: Raw, name: string, fallback: number, min: number, max: number): number {
  const v = str(env, name);
  if (v === undefined) return fallback;
  if (!/^\d+$/.test(v) || Number(v) < min || Number(v) > max) {
    throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${v}"`);
  }
  return Number(v);
}

function issuer(env: Raw): string {
  const v = str(env, 'ISSUER') ?? 'http://localhost:8787';
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError('ISSUER', `must be an absolute URL, got "${v}"`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) {
    throw new ConfigError('ISSUER', 'must use https (http only for localhost)');
  }
  // A bare '?' or '#' leaves url.search/url.hash empty, so look at the string too.
  if (url.search || url.hash || /[?#]/.test(v)) throw new ConfigError('ISSUER', 'must not have a query or fragment (RFC 8414 §2)');
  return v.replace(/\/$/, '');
}

function algs(env: Raw): SigningAlg[] {
  const v = str(env, 'SIGNING_ALGS');
  if (v === undefined) return [...SIGNING_ALGS];
  const list = v.split(',').map((a) => a.trim());
  for (const a of list) {
    if (!(SIGNING_ALGS as readonly string[]).includes(a)) {
      throw new ConfigError('SIGNING_ALGS', `lists "${a}"; supported: ${SIGNING_ALGS.join(', ')}`);
    }
  }
  if (!list.includes('RS256')) throw new ConfigError('SIGNING_ALGS', 'must include RS256 (OpenID Connect Core §15.1)');
  return list as SigningAlg[];
}

export function parseConfig(env: Raw): Config {
  const signingAlgs = algs(env);
  const accessTokenAlg = (str(env, 'ACCESS_TOKEN_ALG') ?? 'ES256') as SigningAlg;
  if (!signingAlgs.includes(accessTokenAlg)) {
    throw new ConfigError('ACCESS_TOKEN_ALG', `must be one of SIGNING_ALGS (${signingAlgs.join(', ')})`);
  }
  return {
    issuer: issuer(env),
    parEnabled: bool(env, 'PAR_ENABLED', true),
    requirePar: bool(env, 'REQUIRE_PAR', false),
    parLifetime: int(env, 'PAR_LIFETIME', 60, 5, 600),
    codeLifetime: int(env, 'CODE_LIFETIME', 60, 10, 600),
    accessTokenLifetime: int(env, 'ACCESS_TOKEN_LIFETIME', 600, 60, 86_400),
    idTokenLifetime: int(env, 'ID_TOKEN_LIFETIME', 3600, 60, 86_400),
    refreshTokenLifetime: int(env, 'REFRESH_TOKEN_LIFETIME', 30 * 86_400, 300, 365 * 86_400),
    refreshGrace: int(env, 'REFRESH_GRACE', 30, 0, 300),
    signingAlgs,
    accessTokenAlg,
    fapi2: bool(env, 'FAPI2', false),
    allowPkcePlain: bool(env, 'ALLOW_PKCE_PLAIN', false),
    requirePkceForAll: bool(env, 'REQUIRE_PKCE_FOR_ALL', false),
    clockSkew: int(env, 'CLOCK_SKEW', 30, 0, 300),
    maxJwtLifetime: int(env, 'MAX_JWT_LIFETIME', 300, 30, 3600),
    maxBodyBytes: int(env, 'MAX_BODY_BYTES', 64 * 1024, 1024, 1024 * 1024),
    clientCacheTtl: int(env, 'CLIENT_CACHE_TTL', 30, 0, 3600),
    storageTimeoutMs: int(env, 'STORAGE_TIMEOUT_MS', 5000, 50, 30_000),
    backchannelRetryDelay: int(env, 'BACKCHANNEL_RETRY_DELAY', 5, 0, 600),
    limits: {
      loginPerAccount: { limit: int(env, 'LOGIN_FAILURES_PER_ACCOUNT', 5, 1, 1000), windowSeconds: int(env, 'LOGIN_FAILURE_WINDOW', 900, 10, 86_400) },
      loginPerIp: { limit: int(env, 'LOGIN_FAILURES_PER_IP', 20, 1, 10_000), windowSeconds: int(env, 'LOGIN_FAILURE_WINDOW', 900, 10, 86_400) },
      clientAuthFailures: { limit: int(env, 'CLIENT_AUTH_FAILURES', 20, 1, 10_000), windowSeconds: int(env, 'CLIENT_AUTH_FAILURE_WINDOW', 300, 10, 86_400) },
    },
    adminToken: str(env, 'ADMIN_TOKEN'),
    clientSecretKey: str(env, 'CLIENT_SECRET_KEY'),
    signingKeys: str(env, 'SIGNING_KEYS'),
    demoClientSecret: str(env, 'DEMO_CLIENT_SECRET'),
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
