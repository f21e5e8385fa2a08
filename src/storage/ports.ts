import type { JWK } from 'jose';
import type { GrantData } from '../oauth/grant-data';
import type { AuthorizationRequest, StoredClient } from '../oauth/types';

// Signing keys and rate limits have their own files; re-exported so protocol code sees one port module.
export type { DecryptionKey, KeyRing, KeyRotation, KeySchedule, KeyStorePort, SigningKey, StagedKey } from './key-ports';
export type { HitResult, LimitPolicy, RateLimitPort } from './limit-ports';
export type { AdminActor, AdminAuditEntry, AdminAuditPort, AdminTokenPort, AdminTokenRecord, PasswordResetPort } from './admin-ports';

/**
 * Storage ports: the protocol layer (`oauth/`) sees only these interfaces.
 * Adapters in this folder are the only code that touches bindings.
 */
/** Whether an origin is registered for some client, and for some public client (issue 11, CORS preflight). */
export interface OriginUse {
  any: boolean;
  public: boolean;
}

export interface ClientStore {
  get(client_id: string): Promise<StoredClient | null>;
  /** Which clients registered `origin` (redirect URI origins and `allowed_origins`): a CORS preflight names no client. */
  originUse(origin: string): Promise<OriginUse>;
  list(options: { limit: number; after?: string }): Promise<StoredClient[]>;
  create(client: StoredClient): Promise<boolean>;
  replace(client: StoredClient): Promise<boolean>;
  remove(client_id: string): Promise<boolean>;
}

/** A pushed authorization request as stored under its request_uri handle (RFC 9126 §2.2). */
export interface PushedRequest {
  client_id: string;
  request: AuthorizationRequest;
  /** Epoch seconds; checked on read because KV's TTL has a 60 s floor. */
  expires_at: number;
}

export interface PushedRequestStore {
  put(handle: string, value: PushedRequest, ttlSeconds: number): Promise<void>;
  get(handle: string): Promise<PushedRequest | null>;
}

/** Single-use `jti` registry in strongly consistent storage (RFC 7523 §3 item 7). */
export interface ReplayStore {
  /** True the first time (scope, jti) is seen before `expiresAt`; false on every replay. */
  claim(scope: string, jti: string, expiresAt: number): Promise<boolean>;
}

/** A user account (D1 `users`); `claims` are OpenID Connect Core §5.1 standard claims. */
export interface User {
  sub: string;
  username: string;
  password_hash: string;
  password_salt: string;
  password_iterations: number;
  claims: Record<string, unknown>;
  created_at: number;
  /** A disabled account cannot sign in; its sessions and grants were ended when it was disabled. */
  disabled?: boolean;
}

/** The fields of an account the admin API changes; the rest (sub, created_at) never change. */
export type UserChanges = Partial<Pick<User, 'username' | 'claims' | 'disabled' | 'password_hash' | 'password_salt' | 'password_iterations'>>;

export interface UserStore {
  get(sub: string): Promise<User | null>;
  findByUsername(username: string): Promise<User | null>;
  /** Accounts ordered by username (case-insensitive), after `after`; `q` matches username, email or name (substring, case-insensitive). */
  list(options: { limit: number; after?: string; q?: string }): Promise<User[]>;
  create(user: User): Promise<boolean>;
  /** Writes `changes` to account `sub`: `missing` when there is none, `taken` when a new username belongs to another account. */
  update(sub: string, changes: UserChanges): Promise<'ok' | 'missing' | 'taken'>;
  remove(sub: string): Promise<boolean>;
}

/** A client's `jwks_uri` document, or why it could not be had (unreachable, refused target, too large, not a JWK Set). */
export type RemoteJwksResult = { ok: true; keys: JWK[] } | { ok: false; reason: string };

export interface RemoteJwksPort {
  /** The keys at `uri`, from cache unless `refresh` (a kid was not found) and the cache is older than the cooldown. Never throws. */
  fetch(uri: string, refresh?: boolean): Promise<RemoteJwksResult>;
}

/** A remembered consent (D1 `consents`, `consent_claims`): what a user granted a client (OpenID Connect Core §3.1.2.4). */
export interface Consent {
  sub: string;
  client_id: string;
  /** Space separated, sorted. */
  scope: string;
  /** Claims consented to individually (`claims` parameter, OpenID Connect Core §5.5); space separated, sorted, often empty. */
  claims: string;
  granted_at: number;
}

export interface ConsentPort {
  get(sub: string, client_id: string): Promise<Consent | null>;
  /** Records `scope` and individually consented `claims` as granted, keeping what was granted before (one row per user and client). */
  grant(sub: string, client_id: string, granted: { scope: string; claims: readonly string[] }, now: number): Promise<void>;
  revoke(sub: string, client_id: string): Promise<boolean>;
}

/** A browser session (`sid`, OpenID Connect Front-/Back-Channel Logout §2). */
export interface SessionRecord {
  sub: string;
  auth_time: number;
  amr: string[];
  acr?: string;
  expires_at: number;
  /** client_id → grant handles issued in this session, for logout fan-out. */
  clients: Record<string, string[]>;
  ended: boolean;
  /** The OP browser state of this login (OpenID Connect Session Management §3): random, public, in a script-readable cookie. */
  browser_state?: string;
}

/** A live session as the protocol layer sees it: the record plus its public `sid`. */
export interface ActiveSession extends SessionRecord {
  sid: string;
}

/** Browser sessions (OpenID Connect Session Management §2, Front-/Back-Channel Logout `sid`). */
export interface SessionPort {
  /** Starts a session; returns the cookie secret (for the browser only) and the public sid. */
  start(input: { sub: string; auth_time: number; amr: string[]; acr?: string; expires_at: number; browser_state?: string }): Promise<{ secret: string; sid: string }>;
  /** The live session behind a cookie secret, or null (unknown, ended, expired). */
  fromSecret(secret: string): Promise<ActiveSession | null>;
  /** The live session `sid`, or null (unknown, ended, expired): for the admin API, never for a browser. */
  get(sid: string): Promise<ActiveSession | null>;
  addClient(sid: string, client_id: string, grant: string): Promise<boolean>;
  /** Ends session `sid` once, atomically in its object: what it held the first time, null when unknown or already ended (RP-Initiated Logout §2). */
  end(sid: string): Promise<SessionRecord | null>;
}

/**
 * An authorization request resolved at /authorize (RFC 9126 §4, RFC 9101 §5,
 * RFC 6749 §4.1.1): validated and bound to its client. The one record the
 * authorization flow carries from resolution to the code; an interaction is
 * this record plus the browser it waits for.
 */
export interface ResolvedRequest {
  client_id: string;
  request: AuthorizationRequest;
  /** The grant handle the code will be issued under: the request_uri handle for PAR, else fresh. */
  handle: string;
  par: boolean;
}

/**
 * A resolved request waiting for the user (login, consent).
 * Written once at /authorize and never updated: progress lives in the session
 * (strongly consistent), so KV's eventual consistency is never relied upon.
 */
export interface InteractionRecord extends ResolvedRequest {
  /** Synchronizer CSRF token, echoed in every form of this interaction. */
  csrf: string;
  /** base64url(SHA-256) of the browser-binding cookie that started the interaction. */
  browser: string;
  created_at: number;
  expires_at: number;
  /** prompt=login / max_age / select_account: only a login after `created_at` in a new session counts. */
  force_login: boolean;
  /** The sid that did not satisfy `force_login`. */
  prior_sid?: string;
  /** The user an `id_token_hint` named (OpenID Connect Core §3.1.2.2): no other user's login may complete. */
  hinted_sub?: string;
}

export interface InteractionPort {
  put(id: string, record: InteractionRecord): Promise<void>;
  get(id: string): Promise<InteractionRecord | null>;
}

/**
 * Per-client request limits through the Workers Rate Limiting binding: counted
 * in memory at the edge location, so the PAR path gains no storage round trip.
 * The limit and period are the binding's (`[[ratelimits]]` in wrangler.toml);
 * without the binding nothing is limited.
 */
export interface RequestLimitPort {
  /** False when `key` is over its limit; `retryAfter` is then the binding's period in seconds. */
  allow(key: string): Promise<boolean>;
  readonly retryAfter: number;
}

/** A refused grant transition; `field` names the binding that did not match (RFC 6749 §4.1.3). */
export type GrantFailure<R extends string> = { ok: false; reason: R; field?: string };

/** Issuing a code consumes the grant (and its request_uri, RFC 9126 §2.2): a second issue is `used`. */
export type IssueCodeResult = { ok: true } | GrantFailure<'used'>;
/** Code redemption (RFC 6749 §4.1.3); `replayed` means the grant was revoked (§4.1.2). */
export type RedeemResult = { ok: true; data: GrantData } | GrantFailure<'unknown' | 'expired' | 'mismatch' | 'replayed' | 'revoked'>;
/** Refresh rotation (RFC 6749 §6); `reused` means a rotated token came back and the family was revoked (RFC 9700 §4.14.2). */
export type RefreshResult = { ok: true; data: GrantData; refresh_expires_at: number } | GrantFailure<'unknown' | 'expired' | 'reused' | 'revoked' | 'mismatch'>;
/** Which refresh token of the grant was presented, without rotating it (RFC 7009, RFC 7662). */
export type CheckRefreshResult =
  | { ok: true; data: GrantData; refresh_expires_at: number; current: boolean }
  | GrantFailure<'unknown' | 'expired' | 'reused' | 'revoked' | 'mismatch'>;
/** Whether the grant behind an access token is still good (RFC 7662 §2.2 `active`). */
export type GrantStatus = { active: true; data: GrantData } | { active: false };

/**
 * One grant: the state machine behind a request_uri, its code and its refresh
 * tokens (DESIGN.md). Every transition is one atomic step with a tagged result.
 */
export interface GrantHandle {
  issueCode(input: {
    code_hash: string; code_expires_at: number; bindings: Record<string, string>; data: GrantData; expires_at: number;
  }): Promise<IssueCodeResult>;
  redeemCode(input: {
    code_hash: string; presented: Record<string, string>; now: number; refresh_hash?: string; refresh_expires_at?: number; expires_at: number;
    /** Binds the refresh tokens of the grant to this key (a public client's DPoP key thumbprint, RFC 9449 §5). */
    refresh_key?: string;
  }): Promise<RedeemResult>;
  /**
   * Rotates the refresh token; the previous one is accepted again only for `grace_seconds` (strictly less) after its rotation.
   * A bound token whose `presented_key` differs is `mismatch` and nothing changes.
   */
  rotateRefresh(input: { presented_hash: string; next_hash: string; now: number; grace_seconds: number; presented_key?: string }): Promise<RefreshResult>;
  /** With `grace_seconds`, a rotated token outside the grace window revokes the family, as rotateRefresh would. */
  checkRefresh(input: { presented_hash: string; now: number; grace_seconds?: number; presented_key?: string }): Promise<CheckRefreshResult>;
  status(input: { now: number; jti?: string }): Promise<GrantStatus>;
  /** Revokes the grant and everything issued from it; returns its data for logout fan-out. `keep_offline` spares an `offline_access` grant (`revoked: false`). */
  revoke(input?: { keep_offline?: boolean }): Promise<{ revoked: boolean; data?: GrantData }>;
  /** Revokes one access token (RFC 7009 §2.1) while its grant lives on. */
  revokeAccessToken(input: { jti: string }): Promise<void>;
}

/** The grants, addressed by the handle inside request_uri, code and refresh token. */
export interface GrantPort {
  grant(handle: string): GrantHandle;
}
export type * from './lifecycle-index-port';
export type * from './logout-delivery-port';
export type * from './api-port';
