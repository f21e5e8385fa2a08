import type { AdminActor, AdminAuditEntry, AdminAuditPort, AdminTokenPort, AdminTokenRecord, PasswordResetPort } from './admin-ports';

/** Named admin tokens in D1 `admin_tokens` (schema.sql). No isolate cache: a revoked token fails on its next request. */
export class D1AdminTokens implements AdminTokenPort {
  constructor(private readonly db: D1Database) {}

  async create(record: AdminTokenRecord, token_hash: string): Promise<boolean> {
    const result = await this.db
      .prepare('INSERT OR IGNORE INTO admin_tokens (id, name, token_hash, created_at, created_by) VALUES (?, ?, ?, ?, ?)')
      .bind(record.id, record.name, token_hash, record.created_at, record.created_by)
      .run();
    return result.meta.changes === 1;
  }

  async findByHash(token_hash: string): Promise<AdminActor | null> {
    return this.db.prepare('SELECT id, name FROM admin_tokens WHERE token_hash = ?').bind(token_hash).first<AdminActor>();
  }

  async list(): Promise<AdminTokenRecord[]> {
    const { results } = await this.db.prepare('SELECT id, name, created_at, created_by FROM admin_tokens ORDER BY created_at, id').all<AdminTokenRecord>();
    return results;
  }

  async remove(id: string): Promise<boolean> {
    return (await this.db.prepare('DELETE FROM admin_tokens WHERE id = ?').bind(id).run()).meta.changes === 1;
  }
}

/** The admin audit log in D1 `admin_audit`, newest first by its autoincrement id. */
export class D1AdminAudit implements AdminAuditPort {
  constructor(private readonly db: D1Database) {}

  async append(e: Omit<AdminAuditEntry, 'id'>): Promise<void> {
    await this.db
      .prepare('INSERT INTO admin_audit (at, actor_id, actor_name, action, target, status, request_id) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .bind(e.at, e.actor_id, e.actor_name, e.action, e.target, e.status, e.request_id)
      .run();
  }

  async list({ limit, before }: { limit: number; before?: number }): Promise<AdminAuditEntry[]> {
    const { results } = await this.db
      .prepare('SELECT * FROM admin_audit WHERE id < ? ORDER BY id DESC LIMIT ?')
      .bind(before ?? Number.MAX_SAFE_INTEGER, limit)
      .all<AdminAuditEntry>();
    return results;
  }
}

/** Password reset links in D1 `password_resets`: single use is decided by one conditional UPDATE. */
export class D1PasswordResets implements PasswordResetPort {
  constructor(private readonly db: D1Database) {}

  async create({ token_hash, sub, created_at, expires_at }: { token_hash: string; sub: string; created_at: number; expires_at: number }): Promise<void> {
    await this.db.batch([
      // Expired and spent links of every account are dropped as new ones are made: the table stays small.
      this.db.prepare('DELETE FROM password_resets WHERE expires_at <= ? OR used_at IS NOT NULL').bind(created_at),
      this.db.prepare('INSERT INTO password_resets (token_hash, sub, created_at, expires_at) VALUES (?, ?, ?, ?)').bind(token_hash, sub, created_at, expires_at),
    ]);
  }

  async peek(token_hash: string, now: number): Promise<string | null> {
    const row = await this.db
      .prepare('SELECT sub FROM password_resets WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?')
      .bind(token_hash, now)
      .first<{ sub: string }>();
    return row?.sub ?? null;
  }

  async redeem(token_hash: string, now: number): Promise<string | null> {
    const row = await this.db
      .prepare('UPDATE password_resets SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ? RETURNING sub')
      .bind(now, token_hash, now)
      .first<{ sub: string }>();
    return row?.sub ?? null;
  }

  async removeFor(sub: string): Promise<void> {
    await this.db.prepare('DELETE FROM password_resets WHERE sub = ?').bind(sub).run();
  }
}
