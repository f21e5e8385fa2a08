import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { readForm } from '../http/form';
import { clientAddress, clientCertificate } from '../http/request-input';
import { logEvent } from '../log';
import { authenticateClient, extractCredentials } from '../oauth/client-auth';
import { OAuthError, TooManyRequests } from '../oauth/errors';

/** Every cache key carries a tenant slot; all requests are tenant '' until tenants exist. */
const TENANT = '';

function throttled(retryAfter: number): OAuthError {
  return new TooManyRequests('too many failed client authentications; retry later', { headers: { 'Retry-After': String(retryAfter) } });
}

/**
 * Client authentication of a back-channel endpoint (RFC 6749 §2.3; /par,
 * /token, /revoke, /introspect): reads the form body, authenticates the
 * client (by secret, assertion or, RFC 8705 §2, the mTLS client certificate)
 * and puts the form, the client and its policy on the context.
 *
 * Failures count per client_id and source address (CF-Connecting-IP) in a
 * RateLimiter object (CLIENT_AUTH_FAILURES per CLIENT_AUTH_FAILURE_WINDOW);
 * beyond the limit that address gets 429 with Retry-After for that client_id,
 * without a credential check, until the window ends (remembered in the
 * isolate's `clientAuthBlocks`). Keying by address too means nobody can lock
 * a client out by failing under its (public) client_id from elsewhere.
 * Successful calls cost no extra storage operation; other clients are unaffected.
 */
export const clientAuth = createMiddleware<AppEnv>(async function clientAuth(c, next) {
  const services = c.get('services');
  const form = await readForm(c, services.config.maxBodyBytes);
  c.set('form', form);
  const creds = extractCredentials(c.req.header('authorization'), form, clientCertificate(c.req.raw));
  const now = services.now();
  const key = `${creds.client_id.slice(0, 256)}|${clientAddress(c)}`;
  const blocks = services.clientAuthBlocks;
  const until = blocks.get(TENANT, key);
  if (until !== undefined) {
    if (until > now) throw throttled(until - now);
    blocks.delete(TENANT, key);
  }
  try {
    c.set('client', await authenticateClient(creds, { ...services, requestId: c.get('requestId') }));
  } catch (error) {
    if (!(error instanceof OAuthError) || error.code !== 'invalid_client') throw error;
    const { limit, windowSeconds } = services.config.limits.clientAuthFailures;
    const outcome = await services.rateLimits.hit(`client-auth:${key}`, limit, windowSeconds);
    if (outcome.allowed) throw error;
    blocks.set(TENANT, key, now + outcome.retry_after, outcome.retry_after * 1000);
    logEvent('client_auth_throttled', { request_id: c.get('requestId'), client_id: creds.client_id.slice(0, 256), retry_after: outcome.retry_after });
    throw throttled(outcome.retry_after);
  }
  await next();
});
