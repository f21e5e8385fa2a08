import type { PushedRequest, PushedRequestStore } from './ports';

/** KV's minimum expirationTtl; shorter lifetimes are enforced by `expires_at` on read. */
export const KV_MIN_TTL = 60;

/**
 * Pushed authorization requests in Workers KV under `par:<handle>`
 * with `expirationTtl` = max(lifetime, 60 s) and `expires_at` inside the value.
 */
export class KvPushedRequestStore implements PushedRequestStore {
  constructor(private readonly kv: KVNamespace, private readonly now: () => number) {}

  async put(handle: string, value: PushedRequest, ttlSeconds: number): Promise<void> {
    await this.kv.put(`par:${handle}`, JSON.stringify(value), { expirationTtl: Math.max(KV_MIN_TTL, ttlSeconds) });
  }

  async get(handle: string): Promise<PushedRequest | null> {
    const value = await this.kv.get<PushedRequest>(`par:${handle}`, 'json');
    if (!value || value.expires_at <= this.now()) return null;
    return value;
  }
}
