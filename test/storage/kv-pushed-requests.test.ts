import { describe, expect, it } from 'vitest';
import { KvPushedRequestStore } from '../../src/storage/kv-pushed-requests';
import { testEnv } from '../helpers/worker';
import { readPushedRequest } from '../helpers/storage-keys';

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
