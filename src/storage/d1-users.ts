import type { IsolateCache } from './isolate-cache';
import type { User, UserStore } from './ports';

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
  };
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
