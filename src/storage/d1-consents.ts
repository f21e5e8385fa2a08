import type { Consent, ConsentPort } from './ports';

function sortedScopes(...scopes: string[]): string {
  return [...new Set(scopes.flatMap((s) => s.split(' ')).filter(Boolean))].sort().join(' ');
}

/** Remembered consents in D1, table `consents` (schema.sql). */
export class D1ConsentStore implements ConsentPort {
  constructor(private readonly db: D1Database) {}

  async get(sub: string, client_id: string): Promise<Consent | null> {
    return this.db.prepare('SELECT sub, client_id, scope, granted_at FROM consents WHERE sub = ? AND client_id = ?').bind(sub, client_id).first<Consent>();
  }

  async grant(sub: string, client_id: string, scope: string, now: number): Promise<void> {
    // Read, then upsert the union: a lost race only drops scopes from the memory, so the user is asked again.
    const previous = await this.get(sub, client_id);
    await this.db
      .prepare(
        'INSERT INTO consents (sub, client_id, scope, granted_at) VALUES (?1, ?2, ?3, ?4) ' +
          'ON CONFLICT (sub, client_id) DO UPDATE SET scope = ?3, granted_at = ?4',
      )
      .bind(sub, client_id, sortedScopes(previous?.scope ?? '', scope), now)
      .run();
  }

  async revoke(sub: string, client_id: string): Promise<boolean> {
    const result = await this.db.prepare('DELETE FROM consents WHERE sub = ? AND client_id = ?').bind(sub, client_id).run();
    return result.meta.changes === 1;
  }
}
