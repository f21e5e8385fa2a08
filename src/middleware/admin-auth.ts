import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { timingSafeEqualStrings } from '../crypto/hash';
import { logEvent } from '../log';
import { InvalidToken, NotFound } from '../oauth/errors';

/**
 * Guards the admin API with `Authorization: Bearer <ADMIN_TOKEN>` (DESIGN.md
 * contract 2), compared in constant time. Without ADMIN_TOKEN the API does not exist (404).
 */
export const adminAuth = createMiddleware<AppEnv>(async function adminAuth(c, next) {
  const expected = c.get('services').config.adminToken;
  if (!expected) throw new NotFound('not found');
  const header = c.req.header('authorization') ?? '';
  // RFC 7235 §2.1: the auth scheme is case-insensitive.
  const presented = /^Bearer [\x21-\x7E]+$/i.test(header) ? header.slice(7) : '';
  if (!(await timingSafeEqualStrings(presented, expected))) {
    logEvent('admin_auth_failed', { request_id: c.get('requestId'), path: new URL(c.req.url).pathname });
    throw new InvalidToken('a valid admin bearer token is required', { headers: { 'WWW-Authenticate': 'Bearer realm="portcullis-admin"' } });
  }
  c.header('Cache-Control', 'no-store');
  await next();
});
