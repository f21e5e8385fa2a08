/**
 * Ports of the operator side (issue 13): named admin tokens, the admin audit
 * log and one-time password reset links. Adapters: storage/d1-admin.ts.
 */

/** Who made an admin request: the bootstrap `ADMIN_TOKEN` or a named token. */
export interface AdminActor {
  id: string;
  name: string;
}

/** A named admin token as listed: never its secret. */
export interface AdminTokenRecord extends AdminActor {
  created_at: number;
  created_by: string;
}

export interface AdminTokenPort {
  /** Stores a token by the SHA-256 of its secret; false when `name` is taken. */
  create(record: AdminTokenRecord, token_hash: string): Promise<boolean>;
  /** The live token whose secret hashes to `token_hash`, read from D1 on every call (revocation is immediate). */
  findByHash(token_hash: string): Promise<AdminActor | null>;
  list(): Promise<AdminTokenRecord[]>;
  /** Revokes (deletes) token `id`; false when there was none. */
  remove(id: string): Promise<boolean>;
}

/** One admin mutation as recorded: never a request body or a secret. */
export interface AdminAuditEntry {
  id: number;
  at: number;
  actor_id: string;
  actor_name: string;
  action: string;
  target: string | null;
  status: number;
  request_id: string | null;
}

export interface AdminAuditPort {
  append(entry: Omit<AdminAuditEntry, 'id'>): Promise<void>;
  /** Newest first, entries with an id below `before` when given. */
  list(options: { limit: number; before?: number }): Promise<AdminAuditEntry[]>;
}

/** One-time password reset links: only the hash of a link's token is stored. */
export interface PasswordResetPort {
  create(input: { token_hash: string; sub: string; created_at: number; expires_at: number }): Promise<void>;
  /** The account of an unused, unexpired link, without spending it (to show the form). */
  peek(token_hash: string, now: number): Promise<string | null>;
  /** Spends the link atomically (one conditional UPDATE): its account the first time, null on every later call or once expired. */
  redeem(token_hash: string, now: number): Promise<string | null>;
  /** Forgets every link of the account (a new password makes older links moot). */
  removeFor(sub: string): Promise<void>;
}
