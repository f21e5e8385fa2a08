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
}

const KEY = 'session';

/** One object per session id; strongly consistent, so a logout is seen everywhere at once. */
export class Session extends DurableObject<unknown> {
  async start(input: Omit<SessionRecord, 'clients' | 'ended'>): Promise<void> {
    await this.ctx.storage.put(KEY, { ...input, clients: {}, ended: false } satisfies SessionRecord);
    await this.ctx.storage.setAlarm(input.expires_at * 1000);
  }

  /** The live session, or null when unknown, ended or expired. */
  async get(input: { now: number }): Promise<SessionRecord | null> {
    const record = await this.ctx.storage.get<SessionRecord>(KEY);
    return record && !record.ended && record.expires_at > input.now ? record : null;
  }

  /** Notes that `client_id` received a grant in this session. False when the session is gone. */
  async addClient(input: { client_id: string; grant: string; now: number }): Promise<boolean> {
    const record = await this.get(input);
    if (!record) return false;
    const grants = record.clients[input.client_id] ?? [];
    record.clients[input.client_id] = [...grants.slice(-19), input.grant];
    await this.ctx.storage.put(KEY, record);
    return true;
  }

  /** Ends the session once; returns what it held so the caller can notify clients. */
  async end(): Promise<SessionRecord | null> {
    const record = await this.ctx.storage.get<SessionRecord>(KEY);
    if (!record || record.ended) return null;
    await this.ctx.storage.put(KEY, { ...record, ended: true });
    return record;
  }

  override async alarm(): Promise<void> {
    await this.ctx.storage.deleteAll();
  }
}
