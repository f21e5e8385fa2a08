import type { IsolateCache } from './isolate-cache';
import type { User, UserChanges, UserStore } from './ports';

/** A `users` row (schema.sql) as the port's User: claims are stored as JSON text. */
function fromRow(row: Record<string, unknown>): User {
  return {
    sub: String(row.sub),
    username: String(row.username),
    password_hash: String(row.password_hash),
    password_salt: String(row.password_salt),
    password_iterations: Number(row.password_iterations),
    claims: JSON.parse(row.claims as string) as Record<string, unknown>,
    created_at: Number(row.created_at),
    ...(row.disabled === 1 && { disabled: true }),
  };
}

const CHANGEABLE = ['username', 'claims', 'disabled', 'password_hash', 'password_salt', 'password_iterations'] as const;

/** A LIKE pattern matching `q` as a substring, with LIKE's wildcards escaped. */
function contains(q: string): string {
  return `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;
}


/**
 * User accounts in D1, table `users` (schema.sql). `get(sub)`, the read of
 * /userinfo and of ID tokens with requested claims, is served from isolate
 * memory (the services' cache, CLIENT_CACHE_TTL; 0 turns it off): a deletion through this store
 * evicts the entry in this isolate at once, other isolates stop serving the
 * account within the TTL (docs/storage.md). `findByUsername`, the login
 * path, always reads D1.
 */
export class D1UserStore implements UserStore {
  constructor(private readonly db: D1Database, private readonly cache: IsolateCache<User>, private readonly tenant = '') {}

  async get(sub: string): Promise<User | null> {
    const hit = this.cache.get(this.tenant, sub);
    if (hit) return hit;
    const row = await this.db.prepare('SELECT * FROM users WHERE sub = ?').bind(sub).first();
    const user = row ? fromRow(row) : null;
    // Only found accounts are kept: a miss is rare (a deleted account) and stays a miss in D1.
    if (user) this.cache.set(this.tenant, sub, user);
    else this.cache.delete(this.tenant, sub);
    return user;
  }

  async findByUsername(username: string): Promise<User | null> {
    const row = await this.db.prepare('SELECT * FROM users WHERE username = ?').bind(username).first();
    return row ? fromRow(row) : null;
  }

  async list({ limit, after, q }: { limit: number; after?: string; q?: string }): Promise<User[]> {
    const search = q === undefined ? '' : " AND (username LIKE ?3 ESCAPE '\\' OR json_extract(claims, '$.email') LIKE ?3 ESCAPE '\\' OR json_extract(claims, '$.name') LIKE ?3 ESCAPE '\\')";
    const statement = this.db.prepare(`SELECT * FROM users WHERE username > ?1${search} ORDER BY username LIMIT ?2`);
    const { results } = await (q === undefined ? statement.bind(after ?? '', limit) : statement.bind(after ?? '', limit, contains(q))).all();
    return results.map(fromRow);
  }

  async update(sub: string, changes: UserChanges): Promise<'ok' | 'missing' | 'taken'> {
    const columns = CHANGEABLE.filter((c) => changes[c] !== undefined);
    const values = columns.map((c) => (c === 'claims' ? JSON.stringify(changes.claims) : c === 'disabled' ? (changes.disabled ? 1 : 0) : changes[c]));
    const free = changes.username === undefined ? '' : ' AND NOT EXISTS (SELECT 1 FROM users WHERE username = ? AND sub <> ?)';
    const guard = changes.username === undefined ? [] : [changes.username, sub];
    this.cache.delete(this.tenant, sub);
    const result = columns.length
      ? await this.db.prepare(`UPDATE users SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE sub = ?${free}`).bind(...values, sub, ...guard).run()
      : null;
    // After the write too, so a read racing it cannot keep the old account in memory.
    this.cache.delete(this.tenant, sub);
    if (result?.meta.changes === 1) return 'ok';
    const exists = await this.db.prepare('SELECT 1 FROM users WHERE sub = ?').bind(sub).first();
    return !exists ? 'missing' : result ? 'taken' : 'ok';
  }

  async create(user: User): Promise<boolean> {
    this.cache.delete(this.tenant, user.sub);
    const result = await this.db
      .prepare('INSERT OR IGNORE INTO users (sub, username, password_hash, password_salt, password_iterations, claims, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .bind(user.sub, user.username, user.password_hash, user.password_salt, user.password_iterations, JSON.stringify(user.claims), user.created_at)
      .run();
    return result.meta.changes === 1;
  }

  async remove(sub: string): Promise<boolean> {
    const result = await this.db.prepare('DELETE FROM users WHERE sub = ?').bind(sub).run();
    // After the delete, so a read racing it cannot put the account back.
    this.cache.delete(this.tenant, sub);
    return result.meta.changes === 1;
  }
}
