import type { JWK } from 'jose';
import { IsolateCache } from './isolate-cache';
import { outboundFetch, type OutboundPolicy } from './outbound-fetch';
import type { RemoteJwksPort, RemoteJwksResult } from './ports';

/** A refetch on an unknown `kid` happens at most once a minute per document, so forged kids cannot make us hammer the RP. */
export const REFRESH_COOLDOWN_MS = 60_000;
/** Documents kept per isolate; the oldest fetched is dropped first (bounds memory, and the key sets built on them). */
const MAX_DOCUMENTS = 500;
const JWKS_TYPES = ['application/json', 'application/jwk-set+json'];

export interface RemoteJwksOptions {
  /** CLIENT_CACHE_TTL in seconds: how long a fetched document is used without asking again. */
  ttlSeconds: number;
  /** Loopback jwks_uri allowed: only when the issuer itself is local (`isLocalIssuer`). */
  allowLoopback: boolean;
  timeoutMs?: number;
  maxBytes?: number;
  clock?: () => number;
}

interface Cached {
  keys: JWK[];
  fetchedAt: number;
}

/**
 * A client's `jwks_uri` (RFC 7591 §2, OpenID Connect Registration §2), fetched
 * through the guarded outbound helper and kept in an isolate cache owned by the
 * request's services (tenant slot '' until tenants exist).
 */
export class HttpRemoteJwks implements RemoteJwksPort {
  private readonly cache: IsolateCache<Cached>;
  private readonly policy: OutboundPolicy;
  private readonly clock: () => number;
  private readonly ttlMs: number;

  constructor(options: RemoteJwksOptions) {
    this.clock = options.clock ?? (() => Date.now());
    // Entries outlive the TTL so a refresh within the cooldown still finds the last document.
    this.cache = new IsolateCache<Cached>(Math.max(options.ttlSeconds * 1000, REFRESH_COOLDOWN_MS), MAX_DOCUMENTS, this.clock);
    this.policy = {
      allowLoopback: options.allowLoopback,
      timeoutMs: options.timeoutMs ?? 5000,
      maxBytes: options.maxBytes ?? 64 * 1024,
      contentTypes: JWKS_TYPES,
    };
    this.ttlMs = options.ttlSeconds * 1000;
  }

  async fetch(uri: string, refresh = false): Promise<RemoteJwksResult> {
    const hit = this.cache.get('', uri);
    const age = hit ? this.clock() - hit.fetchedAt : Infinity;
    if (hit && (refresh ? age < REFRESH_COOLDOWN_MS : age < this.ttlMs)) return { ok: true, keys: hit.keys };
    const result = await outboundFetch(uri, this.policy, { headers: { accept: 'application/jwk-set+json, application/json' } });
    if (!result.ok) return { ok: false, reason: `jwks_uri: ${result.detail}` };
    const keys = parseKeySet(result.body);
    if (!keys) return { ok: false, reason: 'jwks_uri: the document is not a JWK Set (RFC 7517 §5)' };
    this.cache.set('', uri, { keys, fetchedAt: this.clock() });
    return { ok: true, keys };
  }
}

function parseKeySet(body: string): JWK[] | undefined {
  try {
    const keys = (JSON.parse(body) as { keys?: unknown }).keys;
    return Array.isArray(keys) && keys.every((k) => typeof k === 'object' && k !== null && !Array.isArray(k)) ? (keys as JWK[]) : undefined;
  } catch {
    return undefined;
  }
}
