import { DurableObject } from 'cloudflare:workers';

/** A generated key. It signs from `active_from` until a newer key of its algorithm does. */
export type StoredKey = {
  kid: string;
  alg: string;
  private_jwk: string;
  public_jwk: string;
  created_at: number;
  active_from: number;
};

/** Times (epoch s and s) a key-store call decides with. */
export interface KeyClock {
  now: number;
  /** A key superseded this long ago or longer is deleted. */
  retention: number;
}

export type StageResult = { staged: boolean; keys: StoredKey[] };

/**
 * The generated signing keys, when no SIGNING_KEYS secret is set. One
 * instance ("primary"). Keys are made by the caller; each method decides in
 * one call which of them to keep, so concurrent requests and cron ticks agree.
 * A key's state follows from the times alone: staged before `active_from`,
 * signing until its successor's `active_from`, then retired until retention ends.
 */
export class KeyStore extends DurableObject<unknown> {
  constructor(ctx: DurableObjectState, env: unknown) {
    super(ctx, env);
    const sql = ctx.storage.sql;
    sql.exec(`CREATE TABLE IF NOT EXISTS keys (
      kid TEXT PRIMARY KEY, alg TEXT NOT NULL, private_jwk TEXT NOT NULL, public_jwk TEXT NOT NULL,
      created_at INTEGER NOT NULL, retired_at INTEGER)`);
    const columns = sql.exec<{ name: string }>('PRAGMA table_info(keys)').toArray().map((c) => c.name);
    // Keys of the count-based version signed from their creation; `retired_at` is now derived from the successor.
    if (!columns.includes('active_from')) sql.exec('ALTER TABLE keys ADD COLUMN active_from INTEGER');
    sql.exec('UPDATE keys SET active_from = created_at WHERE active_from IS NULL');
  }

  /** Newest first; of keys starting in the same second, the one stored last counts as newer. */
  async list(): Promise<StoredKey[]> {
    return this.ctx.storage.sql.exec<StoredKey>(
      'SELECT kid, alg, private_jwk, public_jwk, created_at, active_from FROM keys ORDER BY active_from DESC, rowid DESC',
    ).toArray();
  }

  /** Stores those of `keys` whose algorithm has no key signing at `now`; returns what is stored. */
  async initialize(keys: StoredKey[], now: number): Promise<StoredKey[]> {
    const signing = new Set(this.ctx.storage.sql.exec<{ alg: string }>('SELECT alg FROM keys WHERE active_from <= ?', now).toArray().map((r) => r.alg));
    this.insert(keys.filter((k) => !signing.has(k.alg)));
    return this.list();
  }

  /**
   * Publishes `keys` to sign from their `active_from`, unless keys are already
   * staged, or (with `dueAfter`) the newest signing key began less than
   * `dueAfter` seconds before the staged keys would start.
   */
  async stage(keys: StoredKey[], clock: KeyClock, dueAfter?: number): Promise<StageResult> {
    this.prune(clock);
    const sql = this.ctx.storage.sql;
    const pending = sql.exec<{ n: number }>('SELECT COUNT(*) AS n FROM keys WHERE active_from > ?', clock.now).toArray()[0]!.n;
    if (pending > 0) return { staged: false, keys: await this.list() };
    if (dueAfter !== undefined) {
      const newest = sql.exec<{ t: number | null }>('SELECT MAX(active_from) AS t FROM keys WHERE active_from <= ?', clock.now).toArray()[0]!.t;
      const startsAt = Math.min(...keys.map((k) => k.active_from));
      if (newest !== null && newest + dueAfter > startsAt) return { staged: false, keys: await this.list() };
    }
    this.insert(keys);
    return { staged: true, keys: await this.list() };
  }

  /**
   * Makes `keys` sign now (an emergency rotation): staged keys are dropped, and
   * with `withdraw` the keys signing until now are deleted at once instead of
   * retiring (a compromised key must stop verifying).
   */
  async activateNow(keys: StoredKey[], clock: KeyClock, withdraw: boolean): Promise<StoredKey[]> {
    const sql = this.ctx.storage.sql;
    sql.exec('DELETE FROM keys WHERE active_from > ?', clock.now);
    if (withdraw) {
      sql.exec(`DELETE FROM keys WHERE kid IN (SELECT k.kid FROM keys k WHERE k.active_from =
        (SELECT MAX(active_from) FROM keys WHERE alg = k.alg AND active_from <= ?))`, clock.now);
    }
    this.insert(keys);
    this.prune(clock);
    return this.list();
  }

  /** Deletes keys whose successor began signing `retention` seconds ago or earlier. */
  private prune(clock: KeyClock): void {
    this.ctx.storage.sql.exec(
      `DELETE FROM keys WHERE EXISTS (SELECT 1 FROM keys n WHERE n.alg = keys.alg
         AND (n.active_from > keys.active_from OR (n.active_from = keys.active_from AND n.rowid > keys.rowid))
         AND n.active_from <= ? AND n.active_from + ? <= ?)`,
      clock.now, clock.retention, clock.now,
    );
  }

  private insert(keys: StoredKey[]): void {
    for (const k of keys) {
      this.ctx.storage.sql.exec(
        'INSERT INTO keys (kid, alg, private_jwk, public_jwk, created_at, retired_at, active_from) VALUES (?, ?, ?, ?, ?, NULL, ?)',
        k.kid, k.alg, k.private_jwk, k.public_jwk, k.created_at, k.active_from,
      );
    }
  }
}
