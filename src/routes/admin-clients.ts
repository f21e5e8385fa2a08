import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { MERGE_PATCH_TYPES, readJson } from '../http/json';
import { logEvent } from '../log';
import { deleteClient } from '../oauth/account-lifecycle';
import { patchClient, publicView, registerClient, replaceClient, type RegistrationResult } from '../oauth/client-registration';
import { rotateClientSecret, secretState } from '../oauth/client-secrets';
import { InvalidRequest, NotFound } from '../oauth/errors';

/**
 * Client registrations under `/admin/clients` (DESIGN.md contract 3; RFC
 * 7591 metadata, RFC 7592-style read, replace, merge-patch and delete), plus
 * secret rotation with an overlap. Mounted behind the admin token.
 */
export const adminClientRoutes = new Hono<AppEnv>();

function audit(c: Context<AppEnv>, event: string, fields: Record<string, string>): void {
  logEvent(event, { request_id: c.get('requestId'), ...fields });
}

function answer({ client, client_secret }: RegistrationResult) {
  return { ...client, ...(client_secret && { client_secret, client_secret_expires_at: 0 }) };
}

adminClientRoutes.post('/', async (c) => {
  const result = await registerClient(await readJson(c), c.get('services'));
  c.set('auditTarget', `client_id=${result.client.client_id}`);
  audit(c, 'admin_client_created', { client_id: result.client.client_id });
  return c.json(answer(result), 201);
});

adminClientRoutes.get('/', async (c) => {
  const limit = Number(c.req.query('limit') ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new InvalidRequest('limit must be an integer from 1 to 200');
  const page = await c.get('services').clients.list({ limit, after: c.req.query('after') });
  const next = page.length === limit ? page[page.length - 1]!.client_id : undefined;
  return c.json({ clients: page.map(publicView), ...(next && { next }) });
});

adminClientRoutes.get('/:id', async (c) => {
  const services = c.get('services');
  const client = await services.clients.get(c.req.param('id'));
  if (!client) throw new NotFound(`no client "${c.req.param('id')}"`);
  return c.json({ ...publicView(client), ...secretState(client, services.now()) });
});

adminClientRoutes.put('/:id', async (c) => {
  const result = await replaceClient(c.req.param('id'), await readJson(c), c.get('services'));
  audit(c, 'admin_client_replaced', { client_id: result.client.client_id });
  return c.json(answer(result));
});

/** RFC 7396 merge patch over the stored metadata, validated as a PUT would be. */
adminClientRoutes.patch('/:id', async (c) => {
  const result = await patchClient(c.req.param('id'), await readJson(c, MERGE_PATCH_TYPES), c.get('services'));
  audit(c, 'admin_client_patched', { client_id: result.client.client_id });
  return c.json(answer(result));
});

/** A new client_secret, shown once; the old one works until `previous_secret_expires_at`. */
adminClientRoutes.post('/:id/secret', async (c) => {
  const body = c.req.header('content-type') ? await readJson(c) : {};
  const rotated = await rotateClientSecret(c.req.param('id'), body, c.get('services'));
  audit(c, 'admin_client_secret_rotated', { client_id: c.req.param('id'), ...(rotated.previous_secret_expires_at && { previous_secret_expires_at: String(rotated.previous_secret_expires_at) }) });
  return c.json({ client_id: c.req.param('id'), ...rotated });
});

adminClientRoutes.delete('/:id', async (c) => {
  const { grants } = await deleteClient(c.req.param('id'), { ...c.get('services'), requestId: c.get('requestId') });
  audit(c, 'admin_client_deleted', { client_id: c.req.param('id'), grants_revoked: String(grants) });
  return c.body(null, 204);
});
