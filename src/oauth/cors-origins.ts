import { isPublicClient, type Client } from './types';
import type { UriCheck } from './redirect-uri';

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Whether `value` may be registered in `allowed_origins`: a serialized origin
 * (RFC 6454 §6.2) exactly as a browser sends it in `Origin` (Fetch standard
 * §3.1): `scheme://host[:port]`, lower case, no path, query, fragment or
 * userinfo, no default port. https, or http only for a loopback host, as for
 * redirect URIs (RFC 8252 §7.3).
 */
export function checkOrigin(value: unknown): UriCheck {
  if (typeof value !== 'string' || value.length === 0 || value.length > 512) return { ok: false, reason: 'must be a non-empty string of at most 512 characters' };
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: `"${value}" is not an absolute origin` };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: `"${value}" must use https (http only for a loopback host)` };
  if (url.protocol === 'http:' && !LOOPBACK_HOSTS.has(url.hostname)) return { ok: false, reason: `"${value}" must use https unless it is a loopback address` };
  // The serialized origin is what a browser sends; anything else (a path, a trailing slash, upper case, :443) would never match.
  if (url.origin !== value) return { ok: false, reason: `"${value}" must be an origin, scheme://host[:port] only (no path, query, fragment or trailing slash; as serialized, e.g. "${url.origin}")` };
  return { ok: true };
}

/** The origin of a registered redirect URI, when it is a web (http/https) URI; a native private-use scheme has none. */
function originOf(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The origins a browser-based client may call the token, revocation and PAR
 * endpoints from (issue 11): the origins of its registered redirect URIs plus
 * its `allowed_origins` metadata. OAuth 2.0 for Browser-Based Applications
 * §6.3.3.4 (the browser-based OAuth client calls the token endpoint with CORS).
 */
export function corsOrigins(client: Pick<Client, 'redirect_uris' | 'allowed_origins'>): string[] {
  const origins = new Set<string>();
  for (const uri of client.redirect_uris) {
    const origin = originOf(uri);
    if (origin) origins.add(origin);
  }
  for (const origin of client.allowed_origins ?? []) origins.add(origin);
  return [...origins];
}

/**
 * Whether a cross-origin call from `origin` may read the answer meant for
 * `client`: the origin is registered for it and, at the PAR endpoint, the
 * client is public (issue 11: a confidential client pushes from its back end).
 */
export function originAllowedFor(client: Client, origin: string, publicOnly: boolean): boolean {
  if (publicOnly && !isPublicClient(client)) return false;
  return corsOrigins(client).includes(origin);
}
