import type { JWK } from 'jose';
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
