import type { JWK } from 'jose';
import type { RemoteJwksPort } from './ports';

const MAX_BYTES = 64 * 1024;
const TIMEOUT_MS = 5000;
const REFRESH_COOLDOWN_MS = 60_000;
/** Documents kept per isolate; the oldest fetched is dropped first (bounds memory, and the key sets built on them). */
const MAX_DOCUMENTS = 500;
const cache = new Map<string, { keys: JWK[]; fetchedAt: number }>();

/** A client's `jwks_uri`, fetched with a timeout and size limit and cached in the isolate for CLIENT_CACHE_TTL. */
export class HttpRemoteJwks implements RemoteJwksPort {
  constructor(private readonly ttlSeconds: number, private readonly fetcher: typeof fetch = fetch) {}

  async fetch(uri: string, refresh = false): Promise<JWK[]> {
    const hit = cache.get(uri);
    const age = hit ? Date.now() - hit.fetchedAt : Infinity;
    if (hit && (refresh ? age < REFRESH_COOLDOWN_MS : age < this.ttlSeconds * 1000)) return hit.keys;
    const response = await this.fetcher(uri, { signal: AbortSignal.timeout(TIMEOUT_MS), headers: { accept: 'application/json' }, redirect: 'error' });
    if (!response.ok) throw new Error(`jwks_uri answered ${response.status}`);
    const text = await response.text();
    if (text.length > MAX_BYTES) throw new Error('jwks_uri document too large');
    const keys = (JSON.parse(text) as { keys?: JWK[] }).keys;
    if (!Array.isArray(keys)) throw new Error('jwks_uri document has no keys');
    cache.delete(uri);
    if (cache.size >= MAX_DOCUMENTS) cache.delete(cache.keys().next().value!);
    cache.set(uri, { keys, fetchedAt: Date.now() });
    return keys;
  }
}
