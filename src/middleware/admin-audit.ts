import { createMiddleware } from 'hono/factory';
import { routePath } from 'hono/route';
import type { AppEnv } from '../app-env';
import { logEvent } from '../log';

const MUTATIONS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * Writes one `admin_audit` row per admin mutation (POST, PUT, PATCH,
 * DELETE), after it was answered: the actor (admin token id and name), the
 * route as in the OpenAPI document (`PATCH /admin/users/{sub}`), its path
 * parameters or the created id (`auditTarget`), and the status. Never a body:
 * bodies can hold passwords and secrets. Runs after `adminAuth`, so only
 * authenticated requests are recorded (failures are the `admin_auth_failed` log).
 */
export const adminAudit = createMiddleware<AppEnv>(async function adminAudit(c, next) {
  await next();
  if (!MUTATIONS.has(c.req.method)) return;
  const actor = c.get('adminActor');
  if (!actor) return;
  const route = routePath(c);
  const action = `${c.req.method} ${route.endsWith('*') ? new URL(c.req.url).pathname : route.replace(/:(\w+)/g, '{$1}')}`;
  const params = Object.entries(c.req.param() as Record<string, string>).map(([k, v]) => `${k}=${v}`).join(' ');
  const target = (c.get('auditTarget') ?? params) || null;
  const services = c.get('services');
  try {
    await services.adminAudit.append({
      at: services.now(), actor_id: actor.id, actor_name: actor.name, action: action.slice(0, 256),
      target: target?.slice(0, 512) ?? null, status: c.res.status, request_id: c.get('requestId'),
    });
  } catch (error) {
    // The change was made and answered; a lost audit row is logged loudly instead of turning it into a 500.
    logEvent('admin_audit_write_failed', { request_id: c.get('requestId'), action, error: String(error).slice(0, 200) });
  }
});
