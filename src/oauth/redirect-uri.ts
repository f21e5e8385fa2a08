const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);
const FORBIDDEN_SCHEMES = new Set(['javascript:', 'data:', 'file:', 'vbscript:', 'blob:', 'about:']);

/** Authorization response parameter names (RFC 6749 §4.1.2, §4.1.2.1; RFC 9207 §2; JARM §2.1): a registered query holding one would answer first. */
const RESPONSE_PARAMS = new Set(['code', 'state', 'iss', 'error', 'error_description', 'error_uri', 'response']);
/** A loopback IP redirect URI (RFC 8252 §7.3): host, optional port, the rest. Not "localhost" (RFC 8252 §8.3). */
const LOOPBACK_IP = /^http:\/\/(127\.0\.0\.1|\[::1\])(?::\d{1,5})?((?:[/?].*)?)$/;

export type UriCheck = { ok: true } | { ok: false; reason: string };

/**
 * Whether `value` may be registered as a redirect URI: absolute, no fragment
 * (RFC 6749 §3.1.2), https or loopback http (RFC 8252 §7.3), or a private-use
 * reverse-domain scheme for native clients (RFC 8252 §7.1); never a script or data scheme;
 * printable ASCII only (it goes into Location as is); and no query member named
 * like an authorization response parameter, which would answer before ours (RFC 9207 §2).
 */
export function checkRedirectUri(value: unknown, applicationType: 'web' | 'native'): UriCheck {
  const check = checkUri(value, applicationType);
  if (!check.ok) return check;
  const collision = [...new URL(value as string).searchParams.keys()].find((name) => RESPONSE_PARAMS.has(name));
  if (collision) return { ok: false, reason: `the query must not hold "${collision}", a name of the authorization response (RFC 9207 section 2, RFC 6749 section 3.1.2)` };
  return check;
}

function checkUri(value: unknown, applicationType: 'web' | 'native'): UriCheck {
  if (typeof value !== 'string' || value.length === 0 || value.length > 2048) {
    return { ok: false, reason: 'must be a non-empty string of at most 2048 characters' };
  }
  // The URL parser silently drops tabs and newlines, but the raw string is what goes into Location (RFC 3986 §2).
  if (!/^[\x21-\x7E]+$/.test(value)) return { ok: false, reason: 'must be printable ASCII: no spaces, control characters (CR, LF) or non-ASCII (RFC 3986 section 2)' };
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
  return checkUri(value, 'web');
}

/**
 * Whether `given` is one of the client's registered redirect URIs: exact
 * string match (RFC 9700 §4.1.3), except that a native client's loopback IP
 * URI matches on any port (RFC 8252 §7.3; "localhost" is not such a URI, §8.3).
 */
export function matchesRedirectUri(registered: readonly string[], given: string, applicationType: 'web' | 'native' | undefined): boolean {
  if (registered.includes(given)) return true;
  if (applicationType !== 'native') return false;
  const asked = LOOPBACK_IP.exec(given);
  if (!asked) return false;
  return registered.some((uri) => {
    const known = LOOPBACK_IP.exec(uri);
    return known !== null && known[1] === asked[1] && known[2] === asked[2];
  });
}
