import { DurableObject } from 'cloudflare:workers';

export type StoredKey = {
  kid: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  retired_at: number | null;
};

/**
 * The generated signing keys, when no SIGNING_KEYS secret is set. One
 * instance ("primary"). Keys are made by the caller; this object only keeps
 * the first key it is given per algorithm, so concurrent first requests agree.
 */
export class KeyStore extends DurableObject<unknown> {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    ctx.storage.sql.exec(`CREATE TABLE IF NOT EXISTS keys (
      kid TEXT PRIMARY KEY, alg TEXT NOT NULL, private_jwk TEXT NOT NULL, public_jwk TEXT NOT NULL,
      created_at INTEGER NOT NULL, retired_at INTEGER)`);
  }

  async list(): Promise<StoredKey[]> {
    return this.ctx.storage.sql.exec<StoredKey>('SELECT * FROM keys ORDER BY created_at DESC').toArray();
  }

  /** Stores those of `keys` whose algorithm has no active key yet; returns what is stored. */
  async initialize(keys: StoredKey[]): Promise<StoredKey[]> {
    const active = new Set(
      this.ctx.storage.sql.exec<{ alg: string }>('SELECT alg FROM keys WHERE retired_at IS NULL').toArray().map((r) => r.alg),
    );
    this.insert(keys.filter((k) => !active.has(k.alg)));
    return this.list();
  }

  /** Retires the active keys, makes `keys` active, and keeps the newest `retiredKept` retired keys per algorithm. */
  async rotate(keys: StoredKey[], now: number, retiredKept: number): Promise<StoredKey[]> {
    const sql = this.ctx.storage.sql;
    sql.exec('UPDATE keys SET retired_at = ? WHERE retired_at IS NULL', now);
    this.insert(keys);
    for (const { alg } of keys) {
      sql.exec(
        `DELETE FROM keys WHERE alg = ? AND retired_at IS NOT NULL AND kid NOT IN
           (SELECT kid FROM keys WHERE alg = ? AND retired_at IS NOT NULL ORDER BY retired_at DESC, created_at DESC LIMIT ?)`,
        alg, alg, retiredKept,
      );
    }
    return this.list();
  }

  private insert(keys: StoredKey[]): void {
    for (const k of keys) {
      this.ctx.storage.sql.exec(
        'INSERT INTO keys (kid, alg, private_jwk, public_jwk, created_at, retired_at) VALUES (?, ?, ?, ?, ?, NULL)',
        k.kid, k.alg, k.private_jwk, k.public_jwk, k.created_at,
      );
    }
  }
}
