import type { PushedRequest, PushedRequestStore } from './ports';

/** KV's minimum expirationTtl; shorter lifetimes are enforced by `expires_at` on read. */
export const KV_MIN_TTL = 60;

/**
 * How long (ms) `get` waits before its one re-read after a miss. A pushed
 * request is written where the client's backend is and read, moments later,
 * where the browser is; KV sends a first read elsewhere on to central storage,
 * but Cloudflare says such a read can still miss in rare cases. One short,
 * bounded wait covers that without making an unknown request_uri slow.
 */
export const PAR_REREAD_DELAY_MS = 150;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Pushed authorization requests in Workers KV under `par:<handle>`
 * with `expirationTtl` = max(lifetime, 60 s) and `expires_at` inside the value.
 * The re-read on a miss lives here because it is a property of KV's
 * consistency, not of the protocol: the port's contract stays "the record, or
 * null" (RFC 9126 §4).
 */
export class KvPushedRequestStore implements PushedRequestStore {
  constructor(
    private readonly kv: KVNamespace,
    private readonly now: () => number,
    private readonly rereadDelayMs = PAR_REREAD_DELAY_MS,
  ) {}

  async put(handle: string, value: PushedRequest, ttlSeconds: number): Promise<void> {
    await this.kv.put(`par:${handle}`, JSON.stringify(value), { expirationTtl: Math.max(KV_MIN_TTL, ttlSeconds) });
  }

  /** The record, or null when it is unknown or expired; a miss is read once more after `rereadDelayMs`. */
  async get(handle: string): Promise<PushedRequest | null> {
    const key = `par:${handle}`;
    let value = await this.kv.get<PushedRequest>(key, 'json');
    if (value === null) {
      await sleep(this.rereadDelayMs);
      value = await this.kv.get<PushedRequest>(key, 'json');
    }
    if (!value || value.expires_at <= this.now()) return null;
    return value;
  }
}
