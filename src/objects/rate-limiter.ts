import { DurableObject } from 'cloudflare:workers';

export type HitResult = { allowed: true; remaining: number } | { allowed: false; retry_after: number };

/**
 * Fixed-window counters, one object per limited subject (an account, an IP,
 * a client). `hit` counts and answers in one atomic step; `peek` only reads.
 */
export class RateLimiter extends DurableObject<unknown> {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS windows (key TEXT PRIMARY KEY, start INTEGER NOT NULL, count INTEGER NOT NULL)');
  }

  private window(key: string, windowSeconds: number, now: number): { start: number; count: number } {
    const row = this.ctx.storage.sql.exec<{ start: number; count: number }>('SELECT start, count FROM windows WHERE key = ?', key).toArray()[0];
    return row && row.start + windowSeconds > now ? row : { start: now, count: 0 };
  }

  /** Counts one event against `limit` per `windowSeconds`; refuses (without counting) once the limit is reached. */
  async hit(input: { key: string; limit: number; windowSeconds: number; now: number }): Promise<HitResult> {
    const w = this.window(input.key, input.windowSeconds, input.now);
    if (w.count >= input.limit) return { allowed: false, retry_after: Math.max(1, w.start + input.windowSeconds - input.now) };
    this.ctx.storage.sql.exec('INSERT OR REPLACE INTO windows (key, start, count) VALUES (?, ?, ?)', input.key, w.start, w.count + 1);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm((input.now + input.windowSeconds + 60) * 1000);
    return { allowed: true, remaining: input.limit - w.count - 1 };
  }

  /** Whether `key` is currently over `limit`, without counting. */
  async peek(input: { key: string; limit: number; windowSeconds: number; now: number }): Promise<HitResult> {
    const w = this.window(input.key, input.windowSeconds, input.now);
    return w.count >= input.limit ? { allowed: false, retry_after: Math.max(1, w.start + input.windowSeconds - input.now) } : { allowed: true, remaining: input.limit - w.count };
  }

  /** Clears `key` (e.g. after a successful login). */
  async reset(input: { key: string }): Promise<void> {
    this.ctx.storage.sql.exec('DELETE FROM windows WHERE key = ?', input.key);
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
