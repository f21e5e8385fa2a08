import { DurableObject } from 'cloudflare:workers';

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

const KEY = 'session';

/**
 * One object per session id; strongly consistent, so a logout is seen
 * everywhere at once. Reads and writes use the synchronous KV API with no
 * `await` between them, so two concurrent calls cannot interleave a
 * read-modify-write (an `await` would let another RPC in).
 */
export class Session extends DurableObject<unknown> {
  private read(): SessionRecord | undefined {
    return this.ctx.storage.kv.get<SessionRecord>(KEY);
  }

  private live(now: number): SessionRecord | null {
    const record = this.read();
    return record && !record.ended && record.expires_at > now ? record : null;
  }

  async start(input: Omit<SessionRecord, 'clients' | 'ended'>): Promise<void> {
    this.ctx.storage.kv.put(KEY, { ...input, clients: {}, ended: false } satisfies SessionRecord);
    await this.ctx.storage.setAlarm(input.expires_at * 1000);
  }

  /** The live session, or null when unknown, ended or expired. */
  async get(input: { now: number }): Promise<SessionRecord | null> {
    return this.live(input.now);
  }

  /** Notes that `client_id` received a grant in this session. False when the session is gone. */
  async addClient(input: { client_id: string; grant: string; now: number }): Promise<boolean> {
    const record = this.live(input.now);
    if (!record) return false;
    const grants = record.clients[input.client_id] ?? [];
    record.clients[input.client_id] = [...grants.slice(-19), input.grant];
    this.ctx.storage.kv.put(KEY, record);
    return true;
  }

  /** Ends the session once; returns what it held so the caller can notify clients. */
  async end(): Promise<SessionRecord | null> {
    const record = this.read();
    if (!record || record.ended) return null;
    this.ctx.storage.kv.put(KEY, { ...record, ended: true });
    return record;
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
