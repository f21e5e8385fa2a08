import type { LogoutAttempt, LogoutDelivery, LogoutDeliveryPort } from './logout-delivery-port';

const COLUMNS = ['id', 'client_id', 'sid', 'sub', 'uri', 'state', 'attempts', 'last_error', 'last_status', 'created_at', 'updated_at', 'delivered_at'] as const;
const INSERT = `INSERT INTO logout_deliveries (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`;

/** `before` cursors are `<created_at>.<id>` of the last row of a page: stable under inserts, newest first. */
function parseCursor(cursor: string | undefined): { at: number; id: string } | null {
  const m = cursor ? /^(\d{1,12})\.([\w-]{1,64})$/.exec(cursor) : null;
  return m ? { at: Number(m[1]), id: m[2]! } : null;
}

/** Back-channel logout deliveries in D1, table `logout_deliveries` (schema.sql, docs/storage.md). */
export class D1LogoutDeliveries implements LogoutDeliveryPort {
  constructor(private readonly db: D1Database) {}

  async create(deliveries: LogoutDelivery[]): Promise<void> {
    if (deliveries.length === 0) return;
    await this.db.batch(deliveries.map((d) => this.db.prepare(INSERT).bind(...COLUMNS.map((c) => d[c]))));
  }

  get(id: string): Promise<LogoutDelivery | null> {
    return this.db.prepare('SELECT * FROM logout_deliveries WHERE id = ?').bind(id).first<LogoutDelivery>();
  }

  async list(filter: { sid?: string; client_id?: string }, page: { limit: number; before?: string }): Promise<{ deliveries: LogoutDelivery[]; next?: string }> {
    const where: string[] = [];
    const args: unknown[] = [];
    const add = (clause: string, ...values: unknown[]) => {
      where.push(clause);
      args.push(...values);
    };
    if (filter.sid !== undefined) add('sid = ?', filter.sid);
    if (filter.client_id !== undefined) add('client_id = ?', filter.client_id);
    const cursor = parseCursor(page.before);
    if (cursor) add('(created_at < ? OR (created_at = ? AND id < ?))', cursor.at, cursor.at, cursor.id);
    const sql = `SELECT * FROM logout_deliveries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`;
    const { results } = await this.db.prepare(sql).bind(...args, page.limit).all<LogoutDelivery>();
    const last = results.length === page.limit ? results[results.length - 1] : undefined;
    return { deliveries: results, ...(last && { next: `${last.created_at}.${last.id}` }) };
  }

  async recordAttempt(id: string, attempt: LogoutAttempt): Promise<boolean> {
    const result = await this.db
      .prepare(
        "UPDATE logout_deliveries SET attempts = attempts + 1, uri = ?, state = ?, last_status = ?, last_error = COALESCE(?, last_error), " +
          "updated_at = ?, delivered_at = ? WHERE id = ? AND state IN ('pending', 'retrying')",
      )
      .bind(attempt.uri, attempt.delivered ? 'delivered' : 'retrying', attempt.status, attempt.error, attempt.at, attempt.delivered ? attempt.at : null, id)
      .run();
    return result.meta.changes === 1;
  }

  async markFailed(id: string, error: string | null, at: number): Promise<boolean> {
    const result = await this.db
      .prepare("UPDATE logout_deliveries SET state = 'failed', last_error = COALESCE(?, last_error), updated_at = ? WHERE id = ? AND state != 'delivered'")
      .bind(error, at, id)
      .run();
    return result.meta.changes === 1;
  }

  async reopen(id: string, at: number): Promise<boolean> {
    const result = await this.db.prepare("UPDATE logout_deliveries SET state = 'pending', updated_at = ? WHERE id = ? AND state = 'failed'").bind(at, id).run();
    return result.meta.changes === 1;
  }
}
