import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { retryDelay } from '../../src/oauth/backchannel-delivery';
import { notifyBackchannelLogout } from '../../src/oauth/backchannel-logout';
import type { LogoutDelivery, LogoutMessage } from '../../src/storage/ports';
import { getServices } from '../../src/storage/services';
import { admin, outboundEnv, received, rpClient, services, unique } from './helpers';

/** A delivery recorded as pending but not enqueued, so the only attempt is the one a test hands to the handler. */
async function pendingDelivery(client_id: string, uri: string, sid = unique('sid')): Promise<LogoutMessage> {
  const now = Math.floor(Date.now() / 1000);
  const id = unique('delivery');
  await services().backchannelLogout.deliveries.create([{
    id, client_id, sid, sub: 'user-q', uri, state: 'pending', attempts: 0, last_error: null, last_status: null, created_at: now, updated_at: now, delivered_at: null,
  }]);
  return { delivery_id: id, client_id, sub: 'user-q', sid };
}

/**
 * Runs the Worker's queue handler on a batch. `getQueueResult` does not report
 * `delaySeconds`, so each message's `retry` is wrapped to record its options
 * before the real `retry` runs.
 */
async function runBatch(queue: string, messages: Array<{ body: LogoutMessage; attempts: number }>, env: object = outboundEnv) {
  const batch = createMessageBatch<LogoutMessage>(queue, messages.map((m, i) => ({ id: `m${i}`, timestamp: new Date(), ...m })));
  const delays: Record<string, number | undefined> = {};
  for (const message of batch.messages) {
    const retry = message.retry.bind(message);
    Object.defineProperty(message, 'retry', { value: (options?: QueueRetryOptions) => (delays[message.id] = options?.delaySeconds, retry(options)) });
  }
  const ctx = createExecutionContext();
  await worker.queue(batch as MessageBatch<unknown>, env as never);
  return { ...(await getQueueResult(batch, ctx)), delays };
}

describe('queue handler (Back-Channel Logout 1.0 §2.5: retries of a failed delivery)', () => {
  it('retries a failed attempt with exponential backoff from BACKCHANNEL_RETRY_DELAY, capped at 600 s', async () => {
    const client = await rpClient('dead');
    const env = { ...outboundEnv, BACKCHANNEL_RETRY_DELAY: '5' };
    const messages = await Promise.all([1, 3, 20].map(async (attempts) => ({ body: await pendingDelivery(client.client_id, client.uri), attempts })));
    const result = await runBatch('portcullis-backchannel-logout', messages, env);
    expect(result.ackAll).toBe(false);
    expect(result.retryMessages.map((m) => m.msgId)).toEqual(['m0', 'm1', 'm2']);
    expect(result.delays).toEqual({ m0: 5, m1: 20, m2: 600 });
    expect([1, 2, 3, 4, 8, 9].map((a) => retryDelay(a, 5))).toEqual([5, 10, 20, 40, 600, 600]);
  });

  it('acks a delivered attempt, and skips a delivery already delivered (a message handed over twice is sent once)', async () => {
    const client = await rpClient('ok');
    const body = await pendingDelivery(client.client_id, client.uri);
    expect((await runBatch('portcullis-backchannel-logout', [{ body, attempts: 1 }])).explicitAcks).toEqual(['m0']);
    expect((await runBatch('portcullis-backchannel-logout', [{ body, attempts: 2 }])).explicitAcks).toEqual(['m0']);
    expect(await received(client.key)).toHaveLength(1);
    expect(await services().backchannelLogout.deliveries.get(body.delivery_id)).toMatchObject({ state: 'delivered', attempts: 1 });
  });

  it('the dead-letter queue marks the delivery failed and keeps the last error', async () => {
    const client = await rpClient('dead');
    const body = await pendingDelivery(client.client_id, client.uri);
    await runBatch('portcullis-backchannel-logout', [{ body, attempts: 1 }]);
    const result = await runBatch('portcullis-backchannel-logout-dlq', [{ body, attempts: 1 }]);
    expect(result.explicitAcks).toEqual(['m0']);
    expect(await services().backchannelLogout.deliveries.get(body.delivery_id)).toMatchObject({ state: 'failed', attempts: 1, last_error: 'HTTP 503', last_status: 503 });
  });

  it('refuses a loopback backchannel_logout_uri when the issuer is not local (DESIGN.md outbound fetches)', async () => {
    const client = await rpClient('ok');
    const body = await pendingDelivery(client.client_id, client.uri);
    const result = await runBatch('portcullis-backchannel-logout', [{ body, attempts: 1 }], { ...outboundEnv, ISSUER: 'https://op.example' });
    expect(result.retryMessages).toHaveLength(1);
    expect(await received(client.key)).toHaveLength(0);
    expect(await services().backchannelLogout.deliveries.get(body.delivery_id)).toMatchObject({ state: 'retrying', last_error: 'must use https', last_status: null });
  });

  it('fails at once a delivery whose client no longer has a backchannel_logout_uri', async () => {
    const client = await rpClient('ok');
    const body = await pendingDelivery(client.client_id, client.uri);
    expect((await admin('DELETE', `/clients/${client.client_id}`)).status).toBe(204);
    expect((await runBatch('portcullis-backchannel-logout', [{ body, attempts: 1 }])).explicitAcks).toEqual(['m0']);
    expect(await services().backchannelLogout.deliveries.get(body.delivery_id)).toMatchObject({ state: 'failed', last_error: 'the client is no longer registered' });
  });
});

describe('notifyBackchannelLogout (Back-Channel Logout 1.0 §2.2, §2.7)', () => {
  it('records one delivery per client with a backchannel_logout_uri, skipping unknown clients and clients without one', async () => {
    const a = await rpClient('ok');
    const b = await rpClient('ok');
    const none = await admin('POST', '/clients', { client_id: unique('client'), redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'none' });
    const noUri = (await none.json<{ client_id: string }>()).client_id;
    const sid = unique('sid');
    const ids = await notifyBackchannelLogout({ sub: 'user-n', sid, clients: [a.client_id, noUri, 'no-such-client', b.client_id, a.client_id] }, services());
    expect(ids).toHaveLength(2);
    const rows = await Promise.all(ids.map((id) => services().backchannelLogout.deliveries.get(id)));
    expect(rows.map((r) => r!.client_id).sort()).toEqual([a.client_id, b.client_id].sort());
  });

  it('records a client that requires sid as failed when no sid is known, and enqueues nothing for it (§2.2 backchannel_logout_session_required)', async () => {
    const client = await rpClient('ok', { backchannel_logout_session_required: true });
    const [id] = await notifyBackchannelLogout({ sub: 'user-s', clients: [client.client_id] }, services());
    expect(await services().backchannelLogout.deliveries.get(id!)).toMatchObject({
      state: 'failed', sid: null, attempts: 0, last_error: 'the client requires sid (backchannel_logout_session_required) and none is known',
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(await received(client.key)).toHaveLength(0);
  });

  it('records the deliveries as failed, still returning their ids, when the queue refuses the send (storage fault injection)', async () => {
    const client = await rpClient('ok');
    const queue = outboundEnv.LOGOUT_QUEUE!;
    const refusing = new Proxy(queue, {
      get: (target, prop) => (prop === 'sendBatch' ? () => Promise.reject(new Error('injected fault: queue sendBatch')) : Reflect.get(target, prop, target)),
    });
    const ids = await notifyBackchannelLogout({ sub: 'user-x', sid: unique('sid'), clients: [client.client_id] }, getServices({ ...outboundEnv, LOGOUT_QUEUE: refusing } as never));
    expect(ids).toHaveLength(1);
    const row = await services().backchannelLogout.deliveries.get(ids[0]!);
    expect(row).toMatchObject({ state: 'failed', attempts: 0 });
    expect(row!.last_error).toMatch(/^could not enqueue: /);
  });

  it('costs one D1 batch and one queue send per logout, whatever the number of clients', async () => {
    const counts: Record<string, number> = {};
    const count = <T extends object>(target: T, prefix: string): T => new Proxy(target, {
      get(obj, prop) {
        const value = Reflect.get(obj, prop, obj) as unknown;
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return (...args: unknown[]) => {
          counts[`${prefix}.${prop}`] = (counts[`${prefix}.${prop}`] ?? 0) + 1;
          return Reflect.apply(value as (...a: unknown[]) => unknown, obj, args);
        };
      },
    });
    const clients = await Promise.all([1, 2, 3].map(() => rpClient('ok')));
    const s = services();
    await Promise.all(clients.map((c) => s.clients.get(c.client_id)));
    const env = { ...outboundEnv, DB: count(outboundEnv.DB, 'D1'), LOGOUT_QUEUE: count(outboundEnv.LOGOUT_QUEUE!, 'queue') };
    await notifyBackchannelLogout({ sub: 'user-c', sid: unique('sid'), clients: clients.map((c) => c.client_id) }, getServices(env as never));
    expect(counts).toMatchObject({ 'D1.batch': 1, 'queue.sendBatch': 1 });
    expect(counts['queue.send']).toBeUndefined();
  });
});

describe('admin API for logout deliveries', () => {
  it('requires the admin token (DESIGN.md contract 2)', async () => {
    const { callLocal } = await import('./helpers');
    const res = await callLocal('/admin/logout-deliveries?sid=x');
    expect(res.status).toBe(401);
    expect((await res.json<{ error: string }>()).error).toBe('invalid_token');
  });

  it('answers 400 invalid_request without sid or client_id, and for a repeated or malformed parameter', async () => {
    for (const query of ['', 'sid=a&sid=b', 'client_id=c&limit=0', 'client_id=c&before=nope']) {
      const res = await admin('GET', `/logout-deliveries?${query}`);
      expect(res.status, query).toBe(400);
      expect((await res.json<{ error: string }>()).error).toBe('invalid_request');
    }
  });

  it('lists a client\'s deliveries newest first, page by page', async () => {
    const client = await rpClient('ok');
    const ids: string[] = [];
    const s = services();
    const base = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 3; i++) {
      const id = unique('delivery');
      ids.push(id);
      await s.backchannelLogout.deliveries.create([{
        id, client_id: client.client_id, sid: null, sub: 'u', uri: client.uri, state: 'failed', attempts: 0, last_error: null, last_status: null,
        created_at: base + i, updated_at: base + i, delivered_at: null,
      }]);
    }
    const first = await (await admin('GET', `/logout-deliveries?client_id=${client.client_id}&limit=2`)).json<{ deliveries: LogoutDelivery[]; next?: string }>();
    expect(first.deliveries.map((d) => d.id)).toEqual([ids[2], ids[1]]);
    expect(first.next).toBe(`${base + 1}.${ids[1]}`);
    const second = await (await admin('GET', `/logout-deliveries?client_id=${client.client_id}&limit=2&before=${first.next}`)).json<{ deliveries: LogoutDelivery[]; next?: string }>();
    expect(second.deliveries.map((d) => d.id)).toEqual([ids[0]]);
    expect(second.next).toBeUndefined();
  });
});
