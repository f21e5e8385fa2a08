import { DurableObject } from 'cloudflare:workers';

export type HitResult = { allowed: true; remaining: number } | { allowed: false; retry_after: number };

/**
 * How one counter admits attempts. `window`: at most `limit` per fixed window.
 * `backoff`: `free` attempts, then each further one must wait `delay` seconds
 * after the previous, doubling per attempt up to `maxDelay`; the counter is
 * forgotten after `windowSeconds` without an attempt.
 */
export type LimitPolicy =
  | { kind: 'window'; limit: number; windowSeconds: number }
  | { kind: 'backoff'; free: number; delay: number; maxDelay: number; windowSeconds: number };

export interface LimitCheck {
  key: string;
  policy: LimitPolicy;
}

type Row = { key: string; start: number; last: number; count: number; expires: number };

/**
 * Counters for one limited subject (an account, an IP, a client), each row a
 * key. Every method decides inside one call, so parallel requests cannot all
 * pass a check before any of them is counted.
 */
export class RateLimiter extends DurableObject<unknown> {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    // The fixed-window table of the first version; its counters are short-lived, so they are dropped, not migrated.
    ctx.storage.sql.exec('DROP TABLE IF EXISTS windows');
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS counters (
      key TEXT PRIMARY KEY, start INTEGER NOT NULL, last INTEGER NOT NULL, count INTEGER NOT NULL, expires INTEGER NOT NULL)`);
  }

  private row(key: string, now: number): Row {
    const row = this.ctx.storage.sql.exec<Row>('SELECT * FROM counters WHERE key = ?', key).toArray()[0];
    return row && row.expires > now ? row : { key, start: now, last: now, count: 0, expires: now };
  }

  /** Seconds until `row` admits one more attempt under `policy`; 0 when it does now. */
  private wait(row: Row, policy: LimitPolicy, now: number): number {
    if (policy.kind === 'window') return row.count >= policy.limit ? Math.max(1, row.start + policy.windowSeconds - now) : 0;
    if (row.count < policy.free) return 0;
    const delay = Math.min(policy.maxDelay, policy.delay * 2 ** Math.min(row.count - policy.free, 30));
    return Math.max(0, row.last + delay - now);
  }

  private async write(row: Row, policy: LimitPolicy, now: number): Promise<void> {
    const expires = policy.kind === 'window' ? row.start + policy.windowSeconds : now + policy.windowSeconds;
    this.ctx.storage.sql.exec(
      'INSERT OR REPLACE INTO counters (key, start, last, count, expires) VALUES (?, ?, ?, ?, ?)', row.key, row.start, now, row.count + 1, expires,
    );
    const alarm = await this.ctx.storage.getAlarm();
    if (alarm === null || alarm > (expires + 60) * 1000) await this.ctx.storage.setAlarm((expires + 60) * 1000);
  }

  /** Counts one event against `limit` per `windowSeconds`; refuses (without counting) once the limit is reached. */
  async hit(input: { key: string; limit: number; windowSeconds: number; now: number }): Promise<HitResult> {
    const policy: LimitPolicy = { kind: 'window', limit: input.limit, windowSeconds: input.windowSeconds };
    const row = this.row(input.key, input.now);
    const wait = this.wait(row, policy, input.now);
    if (wait > 0) return { allowed: false, retry_after: wait };
    await this.write(row, policy, input.now);
    return { allowed: true, remaining: input.limit - row.count - 1 };
  }

  /**
   * Reserves one attempt on every check, or on none: when any refuses, nothing
   * is counted and the answer is the longest wait. An attempt is counted
   * before it is made, so at most the limit can ever be in flight.
   */
  async reserve(input: { checks: LimitCheck[]; now: number }): Promise<HitResult> {
    const rows = input.checks.map((c) => this.row(c.key, input.now));
    const wait = Math.max(0, ...input.checks.map((c, i) => this.wait(rows[i]!, c.policy, input.now)));
    if (wait > 0) return { allowed: false, retry_after: wait };
    for (const [i, c] of input.checks.entries()) await this.write(rows[i]!, c.policy, input.now);
    return { allowed: true, remaining: 0 };
  }

  /** Gives back one reserved attempt on `key` (the attempt was not made). */
  async release(input: { key: string }): Promise<void> {
    this.ctx.storage.sql.exec('UPDATE counters SET count = MAX(count - 1, 0) WHERE key = ?', input.key);
  }

  /**
   * Clears `keys`, or every counter of this subject when none are named, and
   * each of `alone` only when it holds one attempt: after a successful login,
   * guesses reserved beside it are in flight or failed, and clearing them would
   * let a burst that contains the right password check more than the limit
   * (NIST SP 800-63B §5.2.2); they expire with their window.
   */
  async reset(input: { key?: string; keys?: string[]; alone?: string[] }): Promise<void> {
    const keys = input.keys ?? (input.key === undefined ? undefined : [input.key]);
    if (!keys && !input.alone) this.ctx.storage.sql.exec('DELETE FROM counters');
    for (const key of keys ?? []) this.ctx.storage.sql.exec('DELETE FROM counters WHERE key = ?', key);
    for (const key of input.alone ?? []) this.ctx.storage.sql.exec('DELETE FROM counters WHERE key = ? AND count <= 1', key);
  }

  /** The count on `key` (0 when absent or expired), for operators and tests. */
  async count(input: { key: string; now: number }): Promise<number> {
    return this.row(input.key, input.now).count;
  }

  override async alarm(): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const sql = this.ctx.storage.sql;
    sql.exec('DELETE FROM counters WHERE expires <= ?', now);
    const next = sql.exec<{ next: number | null }>('SELECT MIN(expires) AS next FROM counters').toArray()[0]?.next;
    if (next !== null && next !== undefined) await this.ctx.storage.setAlarm((next + 60) * 1000);
  }
}
