import type { User, UserStore } from './ports';

function fromRow(row: Record<string, unknown>): User {
  return { ...(row as unknown as User), claims: JSON.parse(row.claims as string) };
}

/** User accounts in D1, table `users` (schema.sql). */
export class D1UserStore implements UserStore {
  constructor(private readonly db: D1Database) {}

  async get(sub: string): Promise<User | null> {
    const row = await this.db.prepare('SELECT * FROM users WHERE sub = ?').bind(sub).first();
    return row ? fromRow(row) : null;
  }

  async findByUsername(username: string): Promise<User | null> {
    const row = await this.db.prepare('SELECT * FROM users WHERE username = ?').bind(username).first();
    return row ? fromRow(row) : null;
  }

  async create(user: User): Promise<boolean> {
    const result = await this.db
      .prepare('INSERT OR IGNORE INTO users (sub, username, password_hash, password_salt, password_iterations, claims, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .bind(user.sub, user.username, user.password_hash, user.password_salt, user.password_iterations, JSON.stringify(user.claims), user.created_at)
      .run();
    return result.meta.changes === 1;
  }

  async remove(sub: string): Promise<boolean> {
    const result = await this.db.prepare('DELETE FROM users WHERE sub = ?').bind(sub).run();
    return result.meta.changes === 1;
  }
}
