import { DurableObject } from 'cloudflare:workers';

/**
 * Remembers identifiers (client assertion `jti`s) until they expire, so each
 * is accepted once. One object per scope (a client), so the check is strongly
 * consistent without a global bottleneck. SQLite calls are synchronous, so a
 * check-and-insert cannot interleave with another request.
 */
export class ReplayGuard extends DurableObject<unknown> {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)');
  }

  /** True when `id` was not seen (or its record expired); records it until `expiresAt` (epoch s). */
  async claim(id: string, expiresAt: number, now: number): Promise<boolean> {
    const sql = this.ctx.storage.sql;
    const row = sql.exec<{ expires_at: number }>('SELECT expires_at FROM seen WHERE id = ?', id).toArray()[0];
    if (row && row.expires_at > now) return false;
    sql.exec('INSERT OR REPLACE INTO seen (id, expires_at) VALUES (?, ?)', id, expiresAt);
    if ((await this.ctx.storage.getAlarm()) === null) await this.ctx.storage.setAlarm((expiresAt + 60) * 1000);
    return true;
  }

  override async alarm(): Promise<void> {
    const now = Math.floor(Date.now() / 1000);
    const sql = this.ctx.storage.sql;
    sql.exec('DELETE FROM seen WHERE expires_at <= ?', now);
    const next = sql.exec<{ e: number | null }>('SELECT MIN(expires_at) AS e FROM seen').toArray()[0]?.e;
    if (next) await this.ctx.storage.setAlarm((next + 60) * 1000);
  }
}
