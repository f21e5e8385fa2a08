import type { AuthorizationRequest } from '../oauth/types';

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

const KV_MIN_TTL = 60;
const ID = /^[A-Za-z0-9_-]{43}$/;

/** Interactions in Workers KV under `interaction:<id>`, TTL = lifetime, `expires_at` checked on read. */
export class KvInteractionStore implements InteractionPort {
  constructor(private readonly kv: KVNamespace, private readonly now: () => number) {}

  async put(id: string, record: InteractionRecord): Promise<void> {
    const ttl = Math.max(KV_MIN_TTL, record.expires_at - this.now());
    await this.kv.put(`interaction:${id}`, JSON.stringify(record), { expirationTtl: ttl });
  }

  async get(id: string): Promise<InteractionRecord | null> {
    if (!ID.test(id)) return null;
    const record = await this.kv.get<InteractionRecord>(`interaction:${id}`, 'json');
    return record && record.expires_at > this.now() ? record : null;
  }
}
