import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { pageCsp } from '../http/csp';

/**
 * Headers for every response of the browser-facing routes (login, consent,
 * errors, redirects): no framing, no referrer, no caching, no sniffing. A page
 * that sets its own CSP (with a nonce) keeps it; anything else gets the strictest one.
 */
export const securityHeaders = createMiddleware<AppEnv>(async function securityHeaders(c, next) {
  await next();
  const headers = c.res.headers;
  if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', pageCsp());
  headers.set('X-Frame-Options', 'DENY');
  headers.set('Referrer-Policy', 'no-referrer');
  headers.set('Cache-Control', 'no-store');
  headers.set('Pragma', 'no-cache');
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('Cross-Origin-Opener-Policy', 'same-origin');
});

/**
 * Marks a route as one a user's browser navigates to: its errors are answered
 * as HTML pages, or as an error response to the validated response target
 * (RFC 6749 §4.1.2.1), never as JSON. The error handler reads the mark.
 */
export const browserFacing = createMiddleware<AppEnv>(async function browserFacing(c, next) {
  c.set('browserFacing', true);
  await next();
});
