import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { endpoints } from '../config';
import { logEvent } from '../log';
import { clientAddress } from './context';
import { authenticateClient, extractCredentials } from '../oauth/client-auth';
import { OAuthError, TooManyRequests } from '../oauth/errors';
import type { StoredClient } from '../oauth/types';

/** client_id + source address → epoch second until which this isolate answers 429 without checking credentials. */
const blocked = new Map<string, number>();
const MAX_BLOCKED = 10_000;

function throttled(retryAfter: number): OAuthError {
  return new TooManyRequests('too many failed client authentications; retry later', { headers: { 'Retry-After': String(retryAfter) } });
}

/**
 * Authenticates the client of a back-channel request (shared by /par, /token,
 * /revoke, /introspect). Failures count per client_id and source address
 * (CF-Connecting-IP) in a RateLimiter object (CLIENT_AUTH_FAILURES per
 * CLIENT_AUTH_FAILURE_WINDOW); beyond the limit that address gets 429 with
 * Retry-After for that client_id, without a credential check, until the
 * window ends. Keying by address too means nobody can lock a client out by
 * failing under its (public) client_id from elsewhere. Successful calls cost
 * no extra storage operation; other clients are unaffected.
 */
export async function authenticateRequest(c: Context<AppEnv>, form: Map<string, string>): Promise<StoredClient> {
  const services = c.get('services');
  const creds = extractCredentials(c.req.header('authorization'), form);
  const now = services.now();
  const key = `${creds.client_id.slice(0, 256)}|${clientAddress(c)}`;
  const until = blocked.get(key);
  if (until !== undefined) {
    if (until > now) throw throttled(until - now);
    blocked.delete(key);
  }
  const urls = endpoints(services.config);
  try {
    return await authenticateClient(creds, { ...services, requestId: c.get('requestId') }, [urls.token, urls.par, urls.revocation, urls.introspection]);
  } catch (error) {
    if (!(error instanceof OAuthError) || error.code !== 'invalid_client') throw error;
    const { limit, windowSeconds } = services.config.limits.clientAuthFailures;
    const outcome = await services.rateLimits.hit(`client-auth:${key}`, limit, windowSeconds);
    if (outcome.allowed) throw error;
    if (blocked.size >= MAX_BLOCKED) blocked.delete(blocked.keys().next().value!);
    blocked.set(key, now + outcome.retry_after);
    logEvent('client_auth_throttled', { request_id: c.get('requestId'), client_id: creds.client_id.slice(0, 256), retry_after: outcome.retry_after });
    throw throttled(outcome.retry_after);
  }
}
