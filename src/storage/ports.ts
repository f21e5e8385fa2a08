import type { JWK } from 'jose';
import type { DurableObject } from 'cloudflare:workers';
import type { Grant } from '../objects/grant';
import type { HitResult } from '../objects/rate-limiter';
import type { SessionRecord } from '../objects/session';
import type { AuthorizationRequest, StoredClient } from '../oauth/types';

/**
 * Storage ports: the protocol layer (`oauth/`) sees only these interfaces.
 * Adapters in this folder are the only code that touches bindings.
 */
export interface ClientStore {
  get(client_id: string): Promise<StoredClient | null>;
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

export interface SigningKey {
  kid: string;
  alg: string;
  privateJwk: JWK;
}

export interface KeyRing {
  /** The current signing key per algorithm. */
  active: Record<string, SigningKey>;
  /** Every public key to publish at /jwks, retired ones included. */
  publicKeys: JWK[];
}

export interface KeyStorePort {
  ring(): Promise<KeyRing>;
  rotate(): Promise<KeyRing>;
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
}

export interface UserStore {
  get(sub: string): Promise<User | null>;
  findByUsername(username: string): Promise<User | null>;
  create(user: User): Promise<boolean>;
  remove(sub: string): Promise<boolean>;
}

export interface RemoteJwksPort {
  /** The keys at `uri`, from cache unless `refresh` (a kid was not found) and the cache is older than the cooldown. */
  fetch(uri: string, refresh?: boolean): Promise<JWK[]>;
}

/** A remembered consent (D1 `consents`): the scopes a user granted a client (OpenID Connect Core §3.1.2.4). */
export interface Consent {
  sub: string;
  client_id: string;
  /** Space separated, sorted. */
  scope: string;
  granted_at: number;
}

export interface ConsentPort {
  get(sub: string, client_id: string): Promise<Consent | null>;
  /** Records `scope` as granted, keeping scopes granted before (one row per user and client). */
  grant(sub: string, client_id: string, scope: string, now: number): Promise<void>;
  revoke(sub: string, client_id: string): Promise<boolean>;
}

/** A live session as the protocol layer sees it: the record plus its public `sid`. */
export interface ActiveSession extends SessionRecord {
  sid: string;
}

/** Browser sessions (OpenID Connect Session Management §2, Front-/Back-Channel Logout `sid`). */
export interface SessionPort {
  /** Starts a session; returns the cookie secret (for the browser only) and the public sid. */
  start(input: { sub: string; auth_time: number; amr: string[]; acr?: string; expires_at: number }): Promise<{ secret: string; sid: string }>;
  /** The live session behind a cookie secret, or null (unknown, ended, expired). */
  fromSecret(secret: string): Promise<ActiveSession | null>;
  addClient(sid: string, client_id: string, grant: string): Promise<boolean>;
  end(sid: string): Promise<SessionRecord | null>;
}

/**
 * A validated authorization request waiting for the user (login, consent).
 * Written once at /authorize and never updated: progress lives in the session
 * (strongly consistent), so KV's eventual consistency is never relied upon.
 */
export interface InteractionRecord {
  client_id: string;
  request: AuthorizationRequest;
  /** The grant handle the code will be issued under: the request_uri handle for PAR, else fresh. */
  handle: string;
  par: boolean;
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
}

export interface InteractionPort {
  put(id: string, record: InteractionRecord): Promise<void>;
  get(id: string): Promise<InteractionRecord | null>;
}

export interface RateLimitPort {
  hit(subject: string, limit: number, windowSeconds: number): Promise<HitResult>;
  peek(subject: string, limit: number, windowSeconds: number): Promise<HitResult>;
  reset(subject: string): Promise<void>;
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

/**
 * A grant object's RPC methods with their declared result types. The stub's
 * own typing drops result branches whose `data` (Record<string, unknown>) it
 * cannot prove serializable, which would leave callers only the failures.
 */
export type GrantObject = Omit<Grant, keyof DurableObject>;

/** The grant Durable Objects, addressed by the handle inside request_uri, code and refresh token. */
export interface GrantPort {
  grant(handle: string): GrantObject;
}
export type * from './logout-delivery-port';
