const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:']);

export type UriCheck = { ok: true } | { ok: false; reason: string };

/**
 * Whether `value` may be registered as a redirect URI: absolute, no fragment
 * (RFC 6749 §3.1.2), https or loopback http (RFC 8252 §7.3), or a private-use
 * reverse-domain scheme for native clients (RFC 8252 §7.1); never a script or data scheme.
 */
export function checkRedirectUri(value: unknown, applicationType: 'web' | 'native'): UriCheck {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) {
    return { ok: false, reason: 'must be a non-empty string of at most 2048 characters' };
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: `"${value}" is not an absolute URI` };
  }
  if (value.includes('#')) return { ok: false, reason: `"${value}" must not contain a fragment` };
  if (FORBIDDEN_SCHEMES.has(url.protocol)) return { ok: false, reason: `scheme ${url.protocol} is not allowed` };
  if (url.protocol === 'https:') return url.username || url.password ? { ok: false, reason: 'must not contain userinfo' } : { ok: true };
  if (url.protocol === 'http:') {
    if (!LOOPBACK_HOSTS.has(url.hostname)) return { ok: false, reason: `"${value}" must use https unless it is a loopback address` };
    return url.username || url.password ? { ok: false, reason: 'must not contain userinfo' } : { ok: true };
  }
  if (applicationType !== 'native') return { ok: false, reason: `private-use scheme ${url.protocol} needs application_type "native"` };
  if (!url.protocol.slice(0, -1).includes('.')) {
    return { ok: false, reason: `private-use scheme ${url.protocol} must be a reverse domain name (RFC 8252 §7.1)` };
  }
  return { ok: true };
}

/** An https (or loopback http) URL for server-to-server use: jwks_uri, logout URIs. */
export function checkWebUri(value: unknown): UriCheck {
  return checkRedirectUri(value, 'web');
}
