import { corsOrigins } from '../oauth/cors-origins';
import { isPublicClient, type StoredClient } from '../oauth/types';
import type { IsolateCache } from './isolate-cache';
import type { ClientStore, OriginUse } from './ports';

const JSON_COLUMNS = new Set(['contacts', 'redirect_uris', 'grant_types', 'response_types', 'jwks', 'post_logout_redirect_uris', 'allowed_origins', 'authorization_details_types']);
const BOOL_COLUMNS = new Set([
  'require_pushed_authorization_requests',
  'frontchannel_logout_session_required',
  'backchannel_logout_session_required',
  'dpop_bound_access_tokens',
  'tls_client_certificate_bound_access_tokens',
  'require_signed_request_object',
]);
const COLUMNS = [
  'client_id', 'client_id_issued_at', 'client_secret_hash', 'client_secret_sealed', 'client_name', 'client_uri',
  'logo_uri', 'policy_uri', 'tos_uri', 'contacts', 'application_type', 'redirect_uris', 'token_endpoint_auth_method',
  'token_endpoint_auth_signing_alg', 'grant_types', 'response_types', 'scope', 'jwks', 'jwks_uri',
  'require_pushed_authorization_requests', 'request_object_signing_alg', 'authorization_signed_response_alg',
  'authorization_encrypted_response_alg', 'authorization_encrypted_response_enc', 'id_token_signed_response_alg',
  'post_logout_redirect_uris', 'frontchannel_logout_uri', 'frontchannel_logout_session_required',
  'backchannel_logout_uri', 'backchannel_logout_session_required', 'par_lifetime', 'client_profile', 'allowed_origins',
  'previous_secret_hash', 'previous_secret_sealed', 'previous_secret_expires_at',
  'dpop_bound_access_tokens', 'tls_client_certificate_bound_access_tokens',
  'tls_client_auth_subject_dn', 'tls_client_auth_san_dns', 'tls_client_auth_san_uri', 'tls_client_auth_san_ip', 'tls_client_auth_san_email',
  'require_signed_request_object', 'request_object_encryption_alg', 'request_object_encryption_enc',
  'authorization_details_types',
] as const;

function toRow(client: StoredClient): unknown[] {
  const record: Record<string, unknown> = { ...client };
  return COLUMNS.map((column) => {
    const value = record[column];
    if (value === undefined || value === null) return null;
    if (JSON_COLUMNS.has(column)) return JSON.stringify(value);
    if (BOOL_COLUMNS.has(column)) return value ? 1 : 0;
    return value;
  });
}

function fromRow(row: Record<string, unknown>): StoredClient {
  const client: Record<string, unknown> = {};
  for (const column of COLUMNS) {
    const value = row[column];
    if (value === null || value === undefined) continue;
    if (JSON_COLUMNS.has(column)) client[column] = JSON.parse(value as string);
    else if (BOOL_COLUMNS.has(column)) client[column] = value === 1;
    else client[column] = value;
  }
  return client as unknown as StoredClient;
}

const placeholders = COLUMNS.map(() => '?').join(', ');

/**
 * The `client_origins` rows of a registration (schema.sql), each inserted only
 * when `guard` holds, so they go into the same batch (one transaction) as the
 * client row they belong to.
 */
function originRows(db: D1Database, client: StoredClient, guard: string): D1PreparedStatement[] {
  const pub = isPublicClient(client) ? 1 : 0;
  return corsOrigins(client).map((origin) => db
    .prepare(`INSERT OR IGNORE INTO client_origins (origin, client_id, public_client) SELECT ?, ?, ? WHERE ${guard}`)
    .bind(origin, client.client_id, pub, client.client_id));
}

/** Client registrations in D1, table `clients` (schema.sql). */
export class D1ClientStore implements ClientStore {
  constructor(private readonly db: D1Database) {}

  async get(client_id: string): Promise<StoredClient | null> {
    const row = await this.db.prepare('SELECT * FROM clients WHERE client_id = ?').bind(client_id).first();
    return row ? fromRow(row) : null;
  }

  async list({ limit, after }: { limit: number; after?: string }): Promise<StoredClient[]> {
    const { results } = await this.db
      .prepare('SELECT * FROM clients WHERE client_id > ? ORDER BY client_id LIMIT ?')
      .bind(after ?? '', limit)
      .all();
    return results.map(fromRow);
  }

  async originUse(origin: string): Promise<OriginUse> {
    const row = await this.db.prepare('SELECT COUNT(*) AS n, MAX(public_client) AS pub FROM client_origins WHERE origin = ?').bind(origin).first<{ n: number; pub: number | null }>();
    return { any: (row?.n ?? 0) > 0, public: row?.pub === 1 };
  }

  async create(client: StoredClient): Promise<boolean> {
    // Origin rows first, guarded on the client not existing yet: a refused duplicate must not touch the index.
    const results = await this.db.batch([
      ...originRows(this.db, client, 'NOT EXISTS (SELECT 1 FROM clients WHERE client_id = ?)'),
      this.db.prepare(`INSERT OR IGNORE INTO clients (${COLUMNS.join(', ')}) VALUES (${placeholders})`).bind(...toRow(client)),
    ]);
    return results.at(-1)!.meta.changes === 1;
  }

  async replace(client: StoredClient): Promise<boolean> {
    const assignments = COLUMNS.slice(1).map((c) => `${c} = ?`).join(', ');
    const [id, ...rest] = toRow(client);
    const [result] = await this.db.batch([
      this.db.prepare(`UPDATE clients SET ${assignments} WHERE client_id = ?`).bind(...rest, id),
      this.db.prepare('DELETE FROM client_origins WHERE client_id = ?').bind(client.client_id),
      ...originRows(this.db, client, 'EXISTS (SELECT 1 FROM clients WHERE client_id = ?)'),
    ]);
    return result!.meta.changes === 1;
  }

  async remove(client_id: string): Promise<boolean> {
    const results = await this.db.batch([
      this.db.prepare('DELETE FROM client_origins WHERE client_id = ?').bind(client_id),
      this.db.prepare('DELETE FROM clients WHERE client_id = ?').bind(client_id),
    ]);
    return results.at(-1)!.meta.changes === 1;
  }
}

/**
 * Read-through cache of registrations in isolate memory for CLIENT_CACHE_TTL
 * (default 30 s), misses included. The cache belongs to the request's services
 * and its keys carry the tenant slot. Writes through this store evict the
 * entry in this isolate at once; other isolates see a change within the TTL.
 */
export class CachedClientStore implements ClientStore {
  constructor(
    private readonly inner: ClientStore,
    private readonly cache: IsolateCache<StoredClient | null>,
    private readonly tenant = '',
    /** Preflight answers per origin (issue 11), misses included; any write in this isolate clears them. */
    private readonly origins?: IsolateCache<OriginUse>,
  ) {}

  async originUse(origin: string): Promise<OriginUse> {
    const hit = this.origins?.get(this.tenant, origin);
    if (hit !== undefined) return hit;
    const use = await this.inner.originUse(origin);
    this.origins?.set(this.tenant, origin, use);
    return use;
  }

  async get(client_id: string): Promise<StoredClient | null> {
    const hit = this.cache.get(this.tenant, client_id);
    if (hit !== undefined) return hit;
    const client = await this.inner.get(client_id);
    this.cache.set(this.tenant, client_id, client);
    return client;
  }

  list(options: { limit: number; after?: string }): Promise<StoredClient[]> {
    return this.inner.list(options);
  }

  async create(client: StoredClient): Promise<boolean> {
    this.cache.delete(this.tenant, client.client_id);
    this.origins?.clear();
    return this.inner.create(client);
  }

  async replace(client: StoredClient): Promise<boolean> {
    this.cache.delete(this.tenant, client.client_id);
    this.origins?.clear();
    return this.inner.replace(client);
  }

  async remove(client_id: string): Promise<boolean> {
    this.cache.delete(this.tenant, client_id);
    this.origins?.clear();
    return this.inner.remove(client_id);
  }
}
