import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { readJson } from '../http/json';
import { logEvent } from '../log';
import { deleteApi, registerApi, replaceApi } from '../oauth/api-registration';
import { InvalidRequest, NotFound } from '../oauth/errors';

/**
 * APIs (resource servers, RFC 8707) under `/admin/apis` (DESIGN.md contract 5);
 * `{id}` is the URL-encoded identifier. Mounted behind the admin token.
 */
export const adminApiRoutes = new Hono<AppEnv>();

function audit(c: Context<AppEnv>, event: string, identifier: string): void {
  logEvent(event, { request_id: c.get('requestId'), identifier });
}

adminApiRoutes.post('/', async (c) => {
  const { api, client_secret } = await registerApi(await readJson(c), c.get('services'));
  audit(c, 'admin_api_created', api.identifier);
  return c.json({ ...api, client_secret }, 201);
});

adminApiRoutes.get('/', async (c) => {
  const limit = Number(c.req.query('limit') ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new InvalidRequest('limit must be an integer from 1 to 200');
  const page = await c.get('services').apis.list({ limit, after: c.req.query('after') });
  const next = page.length === limit ? page[page.length - 1]!.identifier : undefined;
  return c.json({ apis: page, ...(next && { next }) });
});

adminApiRoutes.get('/:id', async (c) => {
  const api = await c.get('services').apis.get(c.req.param('id'));
  if (!api) throw new NotFound(`no API "${c.req.param('id')}"`);
  return c.json(api);
});

adminApiRoutes.put('/:id', async (c) => {
  const api = await replaceApi(c.req.param('id'), await readJson(c), c.get('services'));
  audit(c, 'admin_api_replaced', api.identifier);
  return c.json(api);
});

adminApiRoutes.delete('/:id', async (c) => {
  await deleteApi(c.req.param('id'), c.get('services'));
  audit(c, 'admin_api_deleted', c.req.param('id'));
  return c.body(null, 204);
});
