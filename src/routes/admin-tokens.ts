import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { readJson } from '../http/json';
import { logEvent } from '../log';
import { BOOTSTRAP_ACTOR, createAdminToken, revokeAdminToken } from '../oauth/admin-tokens';
import { InvalidRequest } from '../oauth/errors';

/**
 * Named admin tokens (`/admin/tokens`) and the audit log (`/admin/audit`),
 * mounted under `/admin` behind the admin token. A token is shown once and
 * stored hashed; a deleted one fails on its next request (no cache).
 */
export const adminTokenRoutes = new Hono<AppEnv>();

adminTokenRoutes.post('/tokens', async (c) => {
  const services = c.get('services');
  const created = await createAdminToken(await readJson(c), c.get('adminActor')!, services);
  c.set('auditTarget', `id=${created.id} name=${created.name}`);
  logEvent('admin_token_created', { request_id: c.get('requestId'), id: created.id, name: created.name });
  return c.json(created, 201);
});

adminTokenRoutes.get('/tokens', async (c) => {
  const bootstrap = { ...BOOTSTRAP_ACTOR, created_at: null, created_by: null };
  return c.json({ tokens: [bootstrap, ...(await c.get('services').adminTokens.list())] });
});

adminTokenRoutes.delete('/tokens/:id', async (c) => {
  await revokeAdminToken(c.req.param('id'), c.get('services'));
  logEvent('admin_token_revoked', { request_id: c.get('requestId'), id: c.req.param('id') });
  return c.body(null, 204);
});

adminTokenRoutes.get('/audit', async (c) => {
  const limit = Number(c.req.query('limit') ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new InvalidRequest('limit must be an integer from 1 to 200');
  const cursor = c.req.query('cursor');
  if (cursor !== undefined && !/^[1-9]\d{0,15}$/.test(cursor)) throw new InvalidRequest('cursor must be the next_cursor of a previous page');
  const entries = await c.get('services').adminAudit.list({ limit: limit + 1, before: cursor === undefined ? undefined : Number(cursor) });
  const shown = entries.slice(0, limit);
  return c.json({ entries: shown, ...(entries.length > limit && { next_cursor: String(shown.at(-1)!.id) }) });
});
