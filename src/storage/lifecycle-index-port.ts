/** A session as the lifecycle index lists it (D1 `sessions`); the Session object stays the truth. */
export interface IndexedSession {
  sid: string;
  sub: string;
  created_at: number;
  expires_at: number;
  ended_at: number | null;
}

/** A grant as the lifecycle index lists it (D1 `grants`); the Grant object stays the truth. */
export interface IndexedGrant {
  handle: string;
  client_id: string;
  sub: string;
  sid: string | null;
  created_at: number;
  /** Upper bound of the grant's life (code lifetime + longest token lifetime). */
  expires_at: number;
}

/**
 * Which sessions a user has and which grants a user and a client hold, so that
 * deleting either finds what to end (DESIGN.md "What logout ends", OpenID
 * Connect Back-Channel Logout 1.0 §2.7). Written once at login and once at
 * code issuance; read only by deletions and the admin API.
 */
export interface LifecycleIndexPort {
  recordSession(row: Omit<IndexedSession, 'ended_at'>): Promise<void>;
  recordGrant(row: IndexedGrant): Promise<void>;
  /** The user's sessions not yet ended or expired by the index's knowledge (a logout elsewhere may have ended one): one page (500) at most. */
  sessionsOf(sub: string, now: number): Promise<IndexedSession[]>;
  markSessionsEnded(sids: string[], now: number): Promise<void>;
  /** Unexpired grants of a user, of a client, or of a user at a client: one page (500) at most. */
  grantsOf(filter: { sub: string; client_id?: string } | { client_id: string }, now: number): Promise<IndexedGrant[]>;
  /** Deletes the user's index rows and remembered consents (the user is gone). */
  forgetUser(sub: string): Promise<void>;
  /** Deletes the client's grant rows and every remembered consent for it, so a re-registered client_id starts clean. */
  forgetClient(client_id: string): Promise<void>;
  /** Deletes the grant rows `handles` (their grants are revoked), so the next read pages on. */
  forgetGrants(handles: string[]): Promise<void>;
}
