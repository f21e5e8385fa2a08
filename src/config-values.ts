/**
 * The vocabulary of the settings table in config.ts: the Setting shape, its
 * constructors and the value parsers, each failing with a ConfigError that
 * names the setting.
 */
import { SIGNING_ALGS, type SigningAlg } from './oauth/capabilities';
import { isResourceIndicator } from './oauth/resource-indicator';

export class ConfigError extends Error {
  constructor(readonly setting: string, problem: string) {
    super(`Invalid configuration: ${setting} ${problem}`);
    this.name = 'ConfigError';
  }
}

/** One setting: the var that sets it, its default as written in a var, its bounds and what it means. */
export interface Setting<T = unknown> {
  env: string;
  /** The value used when the var is unset or empty, spelled as a var; absent means "unset". */
  default?: string;
  /** Inclusive bounds of an integer setting. */
  bounds?: readonly [number, number];
  meaning: string;
  /** Set with `wrangler secret put`, not as a var. */
  secret?: boolean;
  /** Turns the raw string (undefined when unset and no default) into the value, or throws a ConfigError. */
  parse: (raw: string | undefined, name: string) => T;
}

export function integer(env: string, fallback: number, min: number, max: number, meaning: string): Setting<number> {
  return {
    env, default: String(fallback), bounds: [min, max], meaning,
    parse: (v, name) => {
      if (!/^\d+$/.test(v!) || Number(v) < min || Number(v) > max) throw new ConfigError(name, `must be an integer from ${min} to ${max}, got "${v}"`);
      return Number(v);
    },
  };
}

export function flag(env: string, fallback: boolean, meaning: string): Setting<boolean> {
  return {
    env, default: String(fallback), meaning,
    parse: (v, name) => {
      if (v === 'true' || v === 'false') return v === 'true';
      throw new ConfigError(name, `must be "true" or "false", got "${v}"`);
    },
  };
}

export function text(env: string, meaning: string, secret = false): Setting<string | undefined> {
  return { env, meaning, secret, parse: (v) => v };
}


/** An absolute URI without fragment (RFC 8707 §2), or unset. */
export function parseResource(v: string | undefined, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (!isResourceIndicator(v)) throw new ConfigError(name, 'must be an absolute URI without a fragment (RFC 8707 §2)');
  return v;
}

/** An https URL for the pages' branding (or `mailto:` where `mail` allows it), or unset; anything else would load or link in clear. */
export function brandUrl(mail: boolean) {
  return (v: string | undefined, name: string): string | undefined => {
    if (v === undefined) return undefined;
    const refuse = () => new ConfigError(name, `must be an absolute https URL${mail ? ' or a mailto: address' : ''}, got "${v}"`);
    let url: URL;
    try {
      url = new URL(v);
    } catch {
      throw refuse();
    }
    if (url.username || url.password || !(url.protocol === 'https:' || (mail && url.protocol === 'mailto:'))) throw refuse();
    return url.href;
  };
}

/** A CSS hex colour (`#rgb` or `#rrggbb`), or unset: only this shape reaches the inline stylesheet. */
export function parseColour(v: string | undefined, name: string): string | undefined {
  if (v === undefined) return undefined;
  if (!/^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i.test(v)) throw new ConfigError(name, `must be a hex colour such as #1d4ed8, got "${v}"`);
  return v.toLowerCase();
}

export function parseIssuer(v: string | undefined, name: string): string {
  let url: URL;
  try {
    url = new URL(v!);
  } catch {
    throw new ConfigError(name, `must be an absolute URL, got "${v}"`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new ConfigError(name, 'must use https (http only for localhost)');
  // A bare '?' or '#' leaves url.search/url.hash empty, so look at the string too.
  if (url.search || url.hash || /[?#]/.test(v!)) throw new ConfigError(name, 'must not have a query or fragment (RFC 8414 §2)');
  return v!.replace(/\/$/, '');
}

/** An https origin (http only for loopback), or unset: the host clients reach over mutual TLS (RFC 8705 §5). */
export function parseOrigin(v: string | undefined, name: string): string | undefined {
  if (v === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError(name, `must be an absolute URL, got "${v}"`);
  }
  const loopback = ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && loopback)) throw new ConfigError(name, 'must use https (http only for localhost)');
  if (url.origin !== v.replace(/\/$/, '')) throw new ConfigError(name, `must be an origin only (scheme, host, port), got "${v}"`);
  return url.origin;
}

export function parseAlgs(v: string | undefined, name: string): SigningAlg[] {
  const list = v!.split(',').map((a) => a.trim());
  const unknown = list.find((a) => !(SIGNING_ALGS as readonly string[]).includes(a));
  if (unknown !== undefined) throw new ConfigError(name, `lists "${unknown}"; supported: ${SIGNING_ALGS.join(', ')}`);
  if (!list.includes('RS256')) throw new ConfigError(name, 'must include RS256 (OpenID Connect Core §15.1)');
  return list as SigningAlg[];
}

export function parseAlg(v: string | undefined, name: string): SigningAlg {
  if (!(SIGNING_ALGS as readonly string[]).includes(v!)) throw new ConfigError(name, `must be one of SIGNING_ALGS (${SIGNING_ALGS.join(', ')})`);
  return v as SigningAlg;
}
