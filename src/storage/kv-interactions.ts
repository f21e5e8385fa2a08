import type { InteractionRecord, InteractionPort } from './ports';

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
