import { describe, expect, it } from 'vitest';
import { KvPushedRequestStore, PAR_REREAD_DELAY_MS } from '../../src/storage/kv-pushed-requests';
import { testEnv } from '../helpers/worker';
import { readPushedRequest } from '../helpers/storage-keys';
import { missingOnce } from '../helpers/kv-miss';

/** The KV adapter checks `expires_at` itself: KV's TTL floor is 60 s (DESIGN.md platform map, RFC 9126 §2.2). */
describe('KvPushedRequestStore', () => {
  const request = { client_id: 'c', response_type: 'code' as const, redirect_uri: 'https://rp.example/cb', scope: 'openid' };

  it('returns null for a record whose expires_at has passed although KV still holds it (RFC 9126 §2.2)', async () => {
    const now = 1_900_000_000;
    const store = new KvPushedRequestStore(testEnv.PAR_KV, () => now);
    const handle = `expired-${crypto.randomUUID()}`;
    await store.put(handle, { client_id: 'c', request, expires_at: now - 1 }, 10);
    expect(await readPushedRequest(handle)).not.toBeNull();
    expect(await store.get(handle)).toBeNull();
  });

  it('treats expires_at equal to now as expired', async () => {
    const now = 1_900_000_000;
    const store = new KvPushedRequestStore(testEnv.PAR_KV, () => now);
    const handle = `edge-${crypto.randomUUID()}`;
    await store.put(handle, { client_id: 'c', request, expires_at: now }, 10);
    expect(await store.get(handle)).toBeNull();
  });

  it('returns a record before its expires_at', async () => {
    let now = 1_900_000_000;
    const store = new KvPushedRequestStore(testEnv.PAR_KV, () => now);
    const handle = `live-${crypto.randomUUID()}`;
    await store.put(handle, { client_id: 'c', request, expires_at: now + 10 }, 10);
    expect((await store.get(handle))?.request).toEqual(request);
    now += 10;
    expect(await store.get(handle)).toBeNull();
  });

  it('returns null for an unknown handle', async () => {
    const store = new KvPushedRequestStore(testEnv.PAR_KV, () => 0);
    expect(await store.get(`missing-${crypto.randomUUID()}`)).toBeNull();
  });
});

describe('KvPushedRequestStore re-reads once after a miss (edge consistency, RFC 9126 §4)', () => {
  const request = { client_id: 'c', response_type: 'code' as const, redirect_uri: 'https://rp.example/cb', scope: 'openid' };

  it('finds a pushed request that the first read missed, after one bounded wait', async () => {
    const now = Math.floor(Date.now() / 1000);
    const handle = `late-${crypto.randomUUID()}`;
    await new KvPushedRequestStore(testEnv.PAR_KV, () => now).put(handle, { client_id: 'c', request, expires_at: now + 60 }, 60);
    const flaky = missingOnce(testEnv.PAR_KV);
    const started = Date.now();
    expect((await new KvPushedRequestStore(flaky.kv, () => now).get(handle))?.request).toEqual(request);
    expect(flaky.gets()).toBe(2);
    expect(Date.now() - started).toBeGreaterThanOrEqual(PAR_REREAD_DELAY_MS - 5);
    expect(Date.now() - started).toBeLessThan(PAR_REREAD_DELAY_MS + 1000);
  });

  it('answers a genuinely unknown handle with null after exactly one re-read', async () => {
    const flaky = missingOnce(testEnv.PAR_KV);
    expect(await new KvPushedRequestStore(flaky.kv, () => 0).get(`missing-${crypto.randomUUID()}`)).toBeNull();
    expect(flaky.gets()).toBe(2);
  });

  it('does not re-read a record that is there: one get for a hit', async () => {
    const now = Math.floor(Date.now() / 1000);
    const handle = `hit-${crypto.randomUUID()}`;
    await new KvPushedRequestStore(testEnv.PAR_KV, () => now).put(handle, { client_id: 'c', request, expires_at: now + 60 }, 60);
    let gets = 0;
    const counting = new Proxy(testEnv.PAR_KV, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as (...a: unknown[]) => unknown;
        if (prop === 'get') return (...args: unknown[]) => { gets += 1; return value.apply(target, args); };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    expect(await new KvPushedRequestStore(counting, () => now).get(handle)).not.toBeNull();
    expect(gets).toBe(1);
  });
});
