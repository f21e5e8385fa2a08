import type { Consent, ConsentPort } from './ports';

function sortedSet(...lists: string[]): string {
  return [...new Set(lists.flatMap((s) => s.split(' ')).filter(Boolean))].sort().join(' ');
}

/**
 * Remembered consents in D1, tables `consents` and `consent_claims`
 * (schema.sql). Individually consented claims live in their own table so an
 * existing database gains it by re-applying schema.sql (CREATE TABLE IF NOT
 * EXISTS, as `npm start` does); they count only beside a `consents` row,
 * and a new `consents` row replaces whatever claims row was left behind.
 */
export class D1ConsentStore implements ConsentPort {
  constructor(private readonly db: D1Database) {}

  async get(sub: string, client_id: string): Promise<Consent | null> {
    return this.db
      .prepare(
        "SELECT c.sub, c.client_id, c.scope, COALESCE(k.claims, '') AS claims, c.granted_at FROM consents c " +
          'LEFT JOIN consent_claims k ON k.sub = c.sub AND k.client_id = c.client_id WHERE c.sub = ? AND c.client_id = ?',
      )
      .bind(sub, client_id)
      .first<Consent>();
  }

  async grant(sub: string, client_id: string, granted: { scope: string; claims: readonly string[] }, now: number): Promise<void> {
    // Read, then upsert the union: a lost race only drops entries from the memory, so the user is asked again.
    const previous = await this.get(sub, client_id);
    await this.db.batch([
      this.db
        .prepare(
          'INSERT INTO consents (sub, client_id, scope, granted_at) VALUES (?1, ?2, ?3, ?4) ' +
            'ON CONFLICT (sub, client_id) DO UPDATE SET scope = ?3, granted_at = ?4',
        )
        .bind(sub, client_id, sortedSet(previous?.scope ?? '', granted.scope), now),
      this.db
        .prepare('INSERT INTO consent_claims (sub, client_id, claims) VALUES (?1, ?2, ?3) ON CONFLICT (sub, client_id) DO UPDATE SET claims = ?3')
        .bind(sub, client_id, sortedSet(previous?.claims ?? '', ...granted.claims)),
    ]);
  }

  async revoke(sub: string, client_id: string): Promise<boolean> {
    const [result] = await this.db.batch([
      this.db.prepare('DELETE FROM consents WHERE sub = ? AND client_id = ?').bind(sub, client_id),
      this.db.prepare('DELETE FROM consent_claims WHERE sub = ? AND client_id = ?').bind(sub, client_id),
    ]);
    return result!.meta.changes === 1;
  }
}
