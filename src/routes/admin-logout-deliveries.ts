import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { logEvent } from '../log';
import { retryLogoutDelivery } from '../oauth/backchannel-logout';
import { InvalidRequest } from '../oauth/errors';

/**
 * Back-channel logout deliveries for operators (README: Back-channel logout
 * delivery), mounted under `/admin` behind the admin token: list a session's
 * or a client's deliveries newest first, and re-enqueue a failed one.
 */
export const logoutDeliveryRoutes = new Hono<AppEnv>();

function single(c: { req: { queries: (name: string) => string[] | undefined } }, name: string): string | undefined {
  const values = c.req.queries(name);
  if (values && values.length > 1) throw new InvalidRequest(`${name} given more than once`);
  if (values?.[0] === '') throw new InvalidRequest(`${name} is empty`);
  return values?.[0];
}

logoutDeliveryRoutes.get('/', async (c) => {
  const sid = single(c, 'sid');
  const client_id = single(c, 'client_id');
  if (sid === undefined && client_id === undefined) throw new InvalidRequest('give sid or client_id');
  const limit = Number(single(c, 'limit') ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new InvalidRequest('limit must be an integer from 1 to 200');
  const before = single(c, 'before');
  if (before !== undefined && !/^\d{1,12}\.[\w-]{1,64}$/.test(before)) throw new InvalidRequest('before must be the next cursor of a previous page');
  const page = await c.get('services').backchannelLogout.deliveries.list({ sid, client_id }, { limit, before });
  return c.json({ deliveries: page.deliveries, ...(page.next && { next: page.next }) });
});

logoutDeliveryRoutes.post('/:id/retry', async (c) => {
  const delivery = await retryLogoutDelivery(c.req.param('id'), c.get('services'));
  logEvent('admin_logout_delivery_retried', { request_id: c.get('requestId'), delivery_id: delivery.id, client_id: delivery.client_id });
  return c.json(delivery, 202);
});
