import { DurableObject } from 'cloudflare:workers';

/**
 * Remembers identifiers (client assertion `jti`s) until they expire, so each
 * is accepted once. One object per scope (a client), so the check is strongly
 * consistent without a global bottleneck. SQLite calls are synchronous, so a
 * check-and-insert cannot interleave with another request.
 */
export class ReplayGuard extends DurableObject<unknown> {
  /**
   * When the clean-up alarm is due (ms), null when none is set, undefined
   * until this instance has asked storage once. Only this object sets or
   * fires its alarm, so after that one read the field is the truth and a
   * claim touches the alarm only when none is pending.
   */
  private alarmAt: number | null | undefined;

  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)');
  }

  /** True when `id` was not seen (or its record expired); records it until `expiresAt` (epoch s). */
  async claim(id: string, expiresAt: number, now: number): Promise<boolean> {
    const sql = this.ctx.storage.sql;
    // The read and the write run with no await in between: nothing can interleave (see Grant).
    const row = sql.exec<{ expires_at: number }>('SELECT expires_at FROM seen WHERE id = ?', id).toArray()[0];
    if (row && row.expires_at > now) return false;
    sql.exec('INSERT OR REPLACE INTO seen (id, expires_at) VALUES (?, ?)', id, expiresAt);
    await this.ensureAlarm((expiresAt + 60) * 1000);
    return true;
  }

  /** Schedules the clean-up at `at` unless one is pending: one storage read per instance, then none. */
  private async ensureAlarm(at: number): Promise<void> {
    if (this.alarmAt === undefined) this.alarmAt = await this.ctx.storage.getAlarm();
    if (this.alarmAt !== null) return;
    this.alarmAt = at;
    await this.ctx.storage.setAlarm(at);
  }

  override async alarm(): Promise<void> {
    // A fired alarm is no longer pending.
    this.alarmAt = null;
    const now = Math.floor(Date.now() / 1000);
    const sql = this.ctx.storage.sql;
    sql.exec('DELETE FROM seen WHERE expires_at <= ?', now);
    const next = sql.exec<{ e: number | null }>('SELECT MIN(expires_at) AS e FROM seen').toArray()[0]?.e;
    if (next) await this.ensureAlarm((next + 60) * 1000);
  }
}
