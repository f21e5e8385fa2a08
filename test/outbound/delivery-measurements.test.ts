import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import worker from '../../src/index';
import { notifyBackchannelLogout } from '../../src/oauth/backchannel-logout';
import type { LogoutMessage } from '../../src/storage/ports';
import { getServices } from '../../src/storage/services';
import { eventually, outboundEnv, received, rpClient, services, unique } from './helpers';

/**
 * Issue 10's figures for back-channel logout: storage operations per delivery
 * (held as facts) and enqueue-to-receipt latency in the local runtime
 * (printed, never asserted: timing stays out of pass/fail tests).
 */
type Counts = Record<string, number>;

function counting<T extends object>(target: T, prefix: string, counts: Counts, methods: string[], wrap?: (method: string, result: unknown) => unknown): T {
  return new Proxy(target, {
    get(obj, prop) {
      const value = Reflect.get(obj, prop, obj) as unknown;
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        if (methods.includes(prop)) counts[`${prefix}.${prop}`] = (counts[`${prefix}.${prop}`] ?? 0) + 1;
        const result = Reflect.apply(value as (...a: unknown[]) => unknown, obj, args);
        return wrap ? wrap(prop, result) : result;
      };
    },
  });
}

/** An env whose D1 statements, queue sends and key-store calls are counted (then done for real). */
function countingEnv(counts: Counts) {
  const statement = (s: D1PreparedStatement): D1PreparedStatement =>
    counting(s, 'D1', counts, ['first', 'all', 'run', 'raw'], (m, r) => (m === 'bind' ? statement(r as D1PreparedStatement) : r));
  const keys = outboundEnv.KEYS as unknown as DurableObjectNamespace;
  return {
    ...outboundEnv,
    DB: counting(outboundEnv.DB, 'D1', counts, ['batch', 'exec'], (m, r) => (m === 'prepare' ? statement(r as D1PreparedStatement) : r)),
    LOGOUT_QUEUE: counting(outboundEnv.LOGOUT_QUEUE!, 'queue', counts, ['send', 'sendBatch']),
    KEYS: counting(keys, 'DO.KEYS', counts, [], (m, r) => (m === 'get' ? counting(r as object, 'DO.KEYS', counts, ['list', 'initialize']) : r)),
  } as unknown as typeof outboundEnv;
}

describe('back-channel logout delivery costs (issue 10: storage operations a logout costs per RP)', () => {
  it('enqueue: one D1 batch and one queue sendBatch per logout; one attempt: one D1 read and one D1 write (warm isolate)', async () => {
    const clients = await Promise.all([1, 2, 3].map(() => rpClient('ok')));
    // Caches belong to the services of one env (isolate): warm the counted env's own, then count from zero.
    const counts: Counts = {};
    const env = countingEnv(counts);
    const counted = getServices(env as never);
    await Promise.all(clients.map((c) => counted.clients.get(c.client_id)));
    await counted.keys.ring();
    const reset = () => Object.keys(counts).forEach((k) => delete counts[k]);

    reset();
    const ids = await notifyBackchannelLogout({ sub: 'user-m', sid: unique('sid'), clients: clients.map((c) => c.client_id) }, counted);
    const enqueue = { ...counts };
    expect(enqueue).toEqual({ 'D1.batch': 1, 'queue.sendBatch': 1 });

    // One attempt of a recorded delivery, run through the Worker's queue handler (its queued twin is then skipped as delivered).
    const row = (await counted.backchannelLogout.deliveries.get(ids[0]!))!;
    const body: LogoutMessage = { delivery_id: row.id, client_id: row.client_id, sub: row.sub, sid: row.sid! };
    const batch = createMessageBatch<LogoutMessage>('portcullis-backchannel-logout', [{ id: 'm0', timestamp: new Date(), attempts: 1, body }]);
    const ctx = createExecutionContext();
    reset();
    await worker.queue(batch as MessageBatch<unknown>, env as never);
    const attempt = { ...counts };
    expect((await getQueueResult(batch, ctx)).explicitAcks).toEqual(['m0']);
    expect(attempt).toEqual({ 'D1.first': 1, 'D1.run': 1 });
    console.log(`backchannel storage ops: enqueue (3 RPs) ${JSON.stringify(enqueue)}; one attempt ${JSON.stringify(attempt)}`);
  });

  it('measures enqueue-to-receipt latency through the local queue (median of 10 sequential logouts)', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < 10; i++) {
      const client = await rpClient('ok');
      await notifyBackchannelLogout({ sub: 'user-l', sid: unique('sid'), clients: [client.client_id] }, services());
      const enqueuedAt = Date.now();
      const [got] = await eventually(async () => {
        const list = await received(client.key);
        return list.length ? list : undefined;
      });
      latencies.push(got!.at - enqueuedAt);
    }
    latencies.sort((a, b) => a - b);
    expect(latencies).toHaveLength(10);
    console.log(`backchannel latency enqueue→RP receipt (ms, n=10, max_batch_timeout=1 s): median ${(latencies[4]! + latencies[5]!) / 2}, min ${latencies[0]}, max ${latencies[9]}`);
  });
});
