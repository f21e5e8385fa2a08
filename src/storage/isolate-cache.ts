/**
 * A bounded, time-limited map in isolate memory: the one shape of every hot-read
 * cache (client registrations, users, key sets, fetched `jwks_uri` documents,
 * client-auth blocks). Instances belong to the request's services (built once
 * per isolate in `storage/services.ts`), never to a module, so tests and a
 * future tenant each get their own. Keys carry a tenant slot: today every
 * request is tenant `''`; an issuer alias or `Tenant-ID` fills it later.
 */
export class IsolateCache<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(
    /** Lifetime of an entry in milliseconds; 0 disables the cache. */
    private readonly ttlMs: number,
    private readonly maxEntries = 1000,
    private readonly clock: () => number = () => Date.now(),
  ) {}

  get(tenant: string, key: string): V | undefined {
    const slot = slotOf(tenant, key);
    const hit = this.entries.get(slot);
    if (!hit) return undefined;
    if (hit.until > this.clock()) return hit.value;
    this.entries.delete(slot);
    return undefined;
  }

  /** Stores `value` for `ttlMs` (the cache's own lifetime unless given); the oldest entry goes first when full. */
  set(tenant: string, key: string, value: V, ttlMs = this.ttlMs): void {
    if (ttlMs <= 0) return;
    const slot = slotOf(tenant, key);
    this.entries.delete(slot);
    if (this.entries.size >= this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    this.entries.set(slot, { value, until: this.clock() + ttlMs });
  }

  delete(tenant: string, key: string): void {
    this.entries.delete(slotOf(tenant, key));
  }

  /** Entries held, expired ones included until they are read or pushed out. */
  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}

function slotOf(tenant: string, key: string): string {
  return `${tenant}\u0000${key}`;
}
