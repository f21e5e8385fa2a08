import type { ResourceServer } from '../oauth/resource-server';
import type { ApiStore } from './api-port';
import { IsolateCache } from './isolate-cache';

const COLUMNS = [
  'identifier', 'name', 'scopes', 'access_token_lifetime', 'access_token_signing_alg', 'allow_refresh',
  'authorization_details_types', 'client_id', 'created_at',
] as const;
/** Most rows a type query returns: a bound on what one request or the discovery document can cost. */
const MAX_LISTED = 1000;
const placeholders = COLUMNS.map(() => '?').join(', ');

function toRow(api: ResourceServer): unknown[] {
  return [
    api.identifier, api.name, JSON.stringify(api.scopes), api.access_token_lifetime ?? null, api.access_token_signing_alg ?? null,
    api.allow_refresh ? 1 : 0, api.authorization_details_types ? JSON.stringify(api.authorization_details_types) : null,
    api.client_id, api.created_at,
  ];
}

function fromRow(row: Record<string, unknown>): ResourceServer {
  const api: ResourceServer = {
    identifier: row.identifier as string,
    name: row.name as string,
    scopes: JSON.parse(row.scopes as string),
    allow_refresh: row.allow_refresh === 1,
    client_id: row.client_id as string,
    created_at: row.created_at as number,
  };
  if (row.access_token_lifetime !== null) api.access_token_lifetime = row.access_token_lifetime as number;
  if (row.access_token_signing_alg !== null) api.access_token_signing_alg = row.access_token_signing_alg as string;
  if (row.authorization_details_types !== null) api.authorization_details_types = JSON.parse(row.authorization_details_types as string);
  return api;
}

/** Registered APIs in D1, table `apis` (schema.sql). */
export class D1ApiStore implements ApiStore {
  constructor(private readonly db: D1Database) {}

  async get(identifier: string): Promise<ResourceServer | null> {
    const row = await this.db.prepare('SELECT * FROM apis WHERE identifier = ?').bind(identifier).first();
    return row ? fromRow(row) : null;
  }

  async getByClientId(client_id: string): Promise<ResourceServer | null> {
    const row = await this.db.prepare('SELECT * FROM apis WHERE client_id = ?').bind(client_id).first();
    return row ? fromRow(row) : null;
  }

  async list({ limit, after }: { limit: number; after?: string }): Promise<ResourceServer[]> {
    const { results } = await this.db.prepare('SELECT * FROM apis WHERE identifier > ? ORDER BY identifier LIMIT ?').bind(after ?? '', limit).all();
    return results.map(fromRow);
  }

  async detailTypeOwners(type: string): Promise<string[]> {
    const { results } = await this.db
      .prepare('SELECT a.identifier FROM apis a, json_each(a.authorization_details_types) t WHERE t.key = ? ORDER BY a.identifier LIMIT ?')
      .bind(type, MAX_LISTED).all<{ identifier: string }>();
    return results.map((r) => r.identifier);
  }

  async detailTypes(): Promise<string[]> {
    const { results } = await this.db
      .prepare('SELECT DISTINCT t.key AS type FROM apis a, json_each(a.authorization_details_types) t ORDER BY type LIMIT ?')
      .bind(MAX_LISTED).all<{ type: string }>();
    return results.map((r) => r.type);
  }

  async create(api: ResourceServer): Promise<boolean> {
    const result = await this.db.prepare(`INSERT OR IGNORE INTO apis (${COLUMNS.join(', ')}) VALUES (${placeholders})`).bind(...toRow(api)).run();
    return result.meta.changes === 1;
  }

  async replace(api: ResourceServer): Promise<boolean> {
    const assignments = COLUMNS.slice(1).map((c) => `${c} = ?`).join(', ');
    const [id, ...rest] = toRow(api);
    const result = await this.db.prepare(`UPDATE apis SET ${assignments} WHERE identifier = ?`).bind(...rest, id).run();
    return result.meta.changes === 1;
  }

  async remove(identifier: string): Promise<boolean> {
    const result = await this.db.prepare('DELETE FROM apis WHERE identifier = ?').bind(identifier).run();
    return result.meta.changes === 1;
  }
}

/**
 * Read-through isolate cache of APIs for CLIENT_CACHE_TTL, misses included, by
 * identifier (token requests) and by introspection client_id. Writes through
 * this store evict both entries here; other isolates see a change within the TTL.
 */
export class CachedApiStore implements ApiStore {
  constructor(
    private readonly inner: ApiStore, private readonly cache: IsolateCache<ResourceServer | null>, private readonly tenant = '',
    /** `authorization_details` type lists (RFC 9396): any write clears them, as any API may add or drop a type. */
    private readonly types: IsolateCache<string[]> = new IsolateCache<string[]>(0),
  ) {}

  private async readTypes(key: string, load: () => Promise<string[]>): Promise<string[]> {
    const hit = this.types.get(this.tenant, key);
    if (hit !== undefined) return hit;
    const value = await load();
    this.types.set(this.tenant, key, value);
    return value;
  }

  detailTypeOwners(type: string): Promise<string[]> {
    return this.readTypes(`owners:${type}`, () => this.inner.detailTypeOwners(type));
  }

  detailTypes(): Promise<string[]> {
    return this.readTypes('all', () => this.inner.detailTypes());
  }

  private async read(key: string, load: () => Promise<ResourceServer | null>): Promise<ResourceServer | null> {
    const hit = this.cache.get(this.tenant, key);
    if (hit !== undefined) return hit;
    const api = await load();
    this.cache.set(this.tenant, key, api);
    return api;
  }

  get(identifier: string): Promise<ResourceServer | null> {
    return this.read(`id:${identifier}`, () => this.inner.get(identifier));
  }

  getByClientId(client_id: string): Promise<ResourceServer | null> {
    return this.read(`client:${client_id}`, () => this.inner.getByClientId(client_id));
  }

  list(options: { limit: number; after?: string }): Promise<ResourceServer[]> {
    return this.inner.list(options);
  }

  private evict(api: Pick<ResourceServer, 'identifier' | 'client_id'>): void {
    this.types.clear();
    this.cache.delete(this.tenant, `id:${api.identifier}`);
    this.cache.delete(this.tenant, `client:${api.client_id}`);
  }

  create(api: ResourceServer): Promise<boolean> {
    this.evict(api);
    return this.inner.create(api);
  }

  replace(api: ResourceServer): Promise<boolean> {
    this.evict(api);
    return this.inner.replace(api);
  }

  async remove(identifier: string): Promise<boolean> {
    const existing = await this.inner.get(identifier);
    if (existing) this.evict(existing);
    else {
      this.cache.delete(this.tenant, `id:${identifier}`);
      this.types.clear();
    }
    return this.inner.remove(identifier);
  }
}
