import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { logEvent } from '../log';
import { authenticateAdmin } from '../oauth/admin-tokens';
import { InvalidToken, NotFound } from '../oauth/errors';

/**
 * Guards the admin API with `Authorization: Bearer <token>` (DESIGN.md
 * contract 2): the `ADMIN_TOKEN` secret (the actor "bootstrap"), compared in
 * constant time, or a named admin token (`POST /admin/tokens`), looked up by
 * its hash on every request. Without ADMIN_TOKEN the API does not exist (404).
 */
export const adminAuth = createMiddleware<AppEnv>(async function adminAuth(c, next) {
  const services = c.get('services');
  const expected = services.config.adminToken;
  if (!expected) throw new NotFound('not found');
  const header = c.req.header('authorization') ?? '';
  // RFC 7235 §2.1: the auth scheme is case-insensitive.
  const presented = /^Bearer [\x21-\x7E]+$/i.test(header) ? header.slice(7) : '';
  const actor = await authenticateAdmin(presented, { adminToken: expected, adminTokens: services.adminTokens });
  if (!actor) {
    logEvent('admin_auth_failed', { request_id: c.get('requestId'), path: new URL(c.req.url).pathname });
    throw new InvalidToken('a valid admin bearer token is required', { headers: { 'WWW-Authenticate': 'Bearer realm="portcullis-admin"' } });
  }
  c.set('adminActor', actor);
  c.header('Cache-Control', 'no-store');
  await next();
});
