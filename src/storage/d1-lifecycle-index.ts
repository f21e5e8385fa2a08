import type { IndexedGrant, IndexedSession, LifecycleIndexPort } from './ports';

/** Rows one read returns; cascades page by ending what they read (docs/storage.md). */
const PAGE = 500;

/**
 * The lifecycle index in D1, tables `sessions` and `grants` (schema.sql,
 * docs/storage.md). D1 has one primary, so a row written at login or code
 * issuance is seen by the next deletion.
 */
export class D1LifecycleIndex implements LifecycleIndexPort {
  constructor(private readonly db: D1Database) {}

  async recordSession(row: Omit<IndexedSession, 'ended_at'>): Promise<void> {
    await this.db
      .prepare('INSERT OR IGNORE INTO sessions (sid, sub, created_at, expires_at) VALUES (?, ?, ?, ?)')
      .bind(row.sid, row.sub, row.created_at, row.expires_at)
      .run();
  }

  async recordGrant(row: IndexedGrant): Promise<void> {
    await this.db
      .prepare('INSERT OR IGNORE INTO grants (handle, client_id, sub, sid, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)')
      .bind(row.handle, row.client_id, row.sub, row.sid, row.created_at, row.expires_at)
      .run();
  }

  async sessionsOf(sub: string, now: number): Promise<IndexedSession[]> {
    const { results } = await this.db
      .prepare(`SELECT sid, sub, created_at, expires_at, ended_at FROM sessions WHERE sub = ? AND expires_at > ? AND ended_at IS NULL ORDER BY created_at DESC LIMIT ${PAGE}`)
      .bind(sub, now)
      .all<IndexedSession>();
    return results;
  }

  async markSessionsEnded(sids: string[], now: number): Promise<void> {
    if (sids.length === 0) return;
    const statement = this.db.prepare('UPDATE sessions SET ended_at = ? WHERE sid = ? AND ended_at IS NULL');
    await this.db.batch(sids.map((sid) => statement.bind(now, sid)));
  }

  async grantsOf(filter: { sub: string; client_id?: string } | { client_id: string }, now: number): Promise<IndexedGrant[]> {
    const columns = 'SELECT handle, client_id, sub, sid, created_at, expires_at FROM grants';
    const statement = 'sub' in filter
      ? filter.client_id === undefined
        ? this.db.prepare(`${columns} WHERE sub = ? AND expires_at > ? LIMIT ${PAGE}`).bind(filter.sub, now)
        : this.db.prepare(`${columns} WHERE sub = ? AND client_id = ? AND expires_at > ? LIMIT ${PAGE}`).bind(filter.sub, filter.client_id, now)
      : this.db.prepare(`${columns} WHERE client_id = ? AND expires_at > ? LIMIT ${PAGE}`).bind(filter.client_id, now);
    return (await statement.all<IndexedGrant>()).results;
  }

  async forgetUser(sub: string): Promise<void> {
    await this.db.batch([
      this.db.prepare('DELETE FROM sessions WHERE sub = ?').bind(sub),
      this.db.prepare('DELETE FROM grants WHERE sub = ?').bind(sub),
      this.db.prepare('DELETE FROM consents WHERE sub = ?').bind(sub),
    ]);
  }

  async forgetClient(client_id: string): Promise<void> {
    await this.db.batch([
      this.db.prepare('DELETE FROM grants WHERE client_id = ?').bind(client_id),
      this.db.prepare('DELETE FROM consents WHERE client_id = ?').bind(client_id),
    ]);
  }

  async forgetGrants(handles: string[]): Promise<void> {
    if (handles.length === 0) return;
    const statement = this.db.prepare('DELETE FROM grants WHERE handle = ?');
    await this.db.batch(handles.map((handle) => statement.bind(handle)));
  }
}
