import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { extractCredentials } from '../oauth/client-auth';
import { originAllowedFor } from '../oauth/cors-origins';
import type { StoredClient } from '../oauth/types';

/** Request headers a browser app may send: the client credentials, the form, and a DPoP proof (RFC 9449 §4.1). */
const ALLOW_HEADERS = 'Authorization, Content-Type, DPoP';
/** Response headers a browser app must read: a DPoP nonce (RFC 9449 §8) and the challenge of an error (RFC 6750 §3). */
const EXPOSE_HEADERS = 'DPoP-Nonce, WWW-Authenticate';
/** Seconds a browser may keep a preflight answer (Fetch standard §3.2.3; Chromium caps it at 7200). */
const MAX_AGE = '600';

export type CorsPolicy =
  /** Anyone may read the answer: public documents, or a resource whose only credential is the bearer token. */
  | { origins: 'any'; methods: readonly string[] }
  /**
   * Only the origins registered for the client the request authenticates
   * (`clientAuth` sets it); `publicOnly` restricts that to public clients.
   */
  | { origins: 'client'; methods: readonly string[]; publicOnly?: boolean };

/** A CORS-preflight request (Fetch standard §3.2.2): OPTIONS with `Origin` and `Access-Control-Request-Method`. */
function isPreflight(c: Context<AppEnv>): boolean {
  return c.req.method === 'OPTIONS' && c.req.header('origin') !== undefined && c.req.header('access-control-request-method') !== undefined;
}

/**
 * The client an answer belongs to: the authenticated one, or, for an error
 * raised before authentication finished (`invalid_client`, 429, a malformed
 * body), the client the request names, read from the registrations cache that
 * authentication has just filled. An unknown or unnamed client has no origins.
 */
async function clientOf(c: Context<AppEnv>): Promise<StoredClient | null> {
  const authenticated = c.get('client');
  if (authenticated) return authenticated.client;
  let claimed: string;
  try {
    claimed = extractCredentials(c.req.header('authorization'), c.get('form') ?? new Map()).client_id;
  } catch {
    return null;
  }
  if (!claimed || claimed.length > 128) return null;
  // Only the CORS headers of an error depend on this read: if storage fails too, the error goes out without them.
  return c.get('services').clients.get(claimed).catch(() => null);
}

async function preflightAllowed(c: Context<AppEnv>, policy: CorsPolicy, origin: string): Promise<boolean> {
  if (policy.origins === 'any') return true;
  const use = await c.get('services').clients.originUse(origin);
  return policy.publicOnly ? use.public : use.any;
}

/**
 * CORS for one endpoint (Fetch standard §3.2 "CORS protocol"; OAuth 2.0 for
 * Browser-Based Applications §6.3.3.4, issue 11). A preflight names no client,
 * so it is answered from the registered-origins index: 204 with the allowed
 * method and headers for an origin some (public, with `publicOnly`) client
 * registered, 403 without any CORS header otherwise. On the actual request,
 * which names its client, the origin is checked against that client's own
 * origins (the split §6.3.3.4 describes):
 * `Access-Control-Allow-Origin` names the origin only when it belongs to the
 * request's client; errors included, so an app can read `invalid_grant`.
 * Never `Access-Control-Allow-Credentials`: these calls carry no cookies
 * (RFC 6749 §3.2, the credential is in the request). Every answer under a
 * `client` policy carries `Vary: Origin`, since it depends on it.
 */
export function cors(policy: CorsPolicy) {
  const any = policy.origins === 'any';
  return createMiddleware<AppEnv>(async function cors(c, next) {
    const origin = c.req.header('origin');
    if (origin !== undefined && isPreflight(c)) {
      const headers: Record<string, string> = any ? {} : { Vary: 'Origin' };
      if (!(await preflightAllowed(c, policy, origin))) return c.body(null, 403, headers);
      return c.body(null, 204, {
        ...headers,
        'Access-Control-Allow-Origin': any ? '*' : origin,
        'Access-Control-Allow-Methods': policy.methods.join(', '),
        'Access-Control-Allow-Headers': ALLOW_HEADERS,
        'Access-Control-Max-Age': MAX_AGE,
      });
    }
    await next();
    if (!any) c.header('Vary', 'Origin', { append: true });
    if (!any) {
      if (origin === undefined) return;
      const client = await clientOf(c);
      if (!client || !originAllowedFor(client, origin, policy.publicOnly ?? false)) return;
    }
    c.header('Access-Control-Allow-Origin', any ? '*' : origin!);
    c.header('Access-Control-Expose-Headers', EXPOSE_HEADERS);
  });
}
