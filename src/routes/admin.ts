import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { logEvent } from '../log';
import { adminAudit } from '../middleware/admin-audit';
import { adminAuth } from '../middleware/admin-auth';
import { InvalidRequest, OAuthError } from '../oauth/errors';
import { adminSessionRoutes } from './admin-sessions';
import { adminApiRoutes } from './admin-apis';
import { adminClientRoutes } from './admin-clients';
import { logoutDeliveryRoutes } from './admin-logout-deliveries';
import { adminTokenRoutes } from './admin-tokens';
import { adminUserRoutes } from './admin-users';
import { adminUserSecurityRoutes } from './admin-users-security';
import ADMIN_OPENAPI from '../../docs/admin-openapi.json';

/**
 * The admin API (DESIGN.md contracts 2, 3, 5; issue 13): clients, users,
 * APIs, sessions, logout deliveries, signing keys, admin tokens and the audit
 * log, described by docs/admin-openapi.json. Every request needs an admin
 * token; every mutation writes an audit row.
 */
export const adminRoutes = new Hono<AppEnv>();
adminRoutes.use('*', adminAuth, adminAudit);
adminRoutes.route('/logout-deliveries', logoutDeliveryRoutes);
adminRoutes.route('/clients', adminClientRoutes);
adminRoutes.route('/users', adminUserRoutes);
adminRoutes.route('/users', adminSessionRoutes);
adminRoutes.route('/users', adminUserSecurityRoutes);
adminRoutes.route('/apis', adminApiRoutes);
adminRoutes.route('/', adminTokenRoutes);

function audit(c: Context<AppEnv>, event: string, fields: Record<string, string>): void {
  logEvent(event, { request_id: c.get('requestId'), ...fields });
}

/** The OpenAPI 3.1 document of this API (docs/admin-openapi.json). */
adminRoutes.get('/openapi.json', (c) => c.json(ADMIN_OPENAPI));

/**
 * Stages the next signing keys (published now, signing after the publish
 * delay; see README "Signing keys"). `?immediate=true` makes them sign at
 * once; `?withdraw=true` also removes the keys signing until now from /jwks
 * (a compromised key). Staging again while keys are staged changes nothing.
 */
adminRoutes.post('/keys/rotate', async (c) => {
  const services = c.get('services');
  if (services.config.signingKeys) {
    throw new OAuthError('invalid_request', 'keys come from the SIGNING_KEYS secret; rotate them there', 409);
  }
  const flag = (name: string) => {
    const v = c.req.query(name);
    if (v !== undefined && v !== 'true' && v !== 'false') throw new InvalidRequest(`${name} must be "true" or "false"`);
    return v === 'true';
  };
  const mode = flag('withdraw') ? 'withdraw' : flag('immediate') ? 'immediate' : 'staged';
  const ring = await services.keys.rotate(mode);
  audit(c, 'admin_keys_rotated', { mode, kids: [...Object.values(ring.active), ...ring.staged].map((k) => k.kid).join(',') });
  return c.json({
    active: Object.values(ring.active).map(({ kid, alg }) => ({ kid, alg })),
    staged: ring.staged,
    published: ring.publicKeys.length,
  });
});
