import type { Config } from '../config';
import { sha256b64 } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import type { ApiStore, ClientStore } from '../storage/ports';
import { SCOPES } from './capabilities';
import { compileDetailSchema } from './detail-schemas';
import { InvalidRequest, NotFound } from './errors';
import { API_CLIENT_PREFIX, type ApiScope, type ResourceServer } from './resource-server';
import { isResourceIndicator } from './resource-indicator';
import { scopeOrNull } from './token-scope';
import type { StoredClient } from './types';

export interface ApiRegistrationDeps {
  config: Config;
  apis: ApiStore;
  clients: ClientStore;
  now: () => number;
}

type ApiFields = Omit<ResourceServer, 'client_id' | 'created_at'>;
type Input = Record<string, unknown>;

const MEMBERS = new Set(['identifier', 'name', 'scopes', 'access_token_lifetime', 'access_token_signing_alg', 'allow_refresh', 'authorization_details_types']);
const OIDC_SCOPES = new Set(SCOPES);
const isObject = (v: unknown): v is Input => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Errors name the field (DESIGN.md contract 5). */
function invalid(field: string, message: string): never {
  throw new InvalidRequest(`${field}: ${message}`);
}

function validateScopes(value: unknown): ApiScope[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) invalid('scopes', 'must be an array of {"name", "description"}');
  const seen = new Set<string>();
  return value.map((entry, i) => {
    if (!isObject(entry) || typeof entry.name !== 'string' || scopeOrNull(entry.name)?.length !== 1) {
      invalid(`scopes[${i}].name`, 'must be one scope-token (RFC 6749 section 3.3)');
    }
    const name = entry.name as string;
    if (OIDC_SCOPES.has(name)) invalid(`scopes[${i}].name`, `"${name}" is an OpenID Connect scope`);
    if (seen.has(name)) invalid(`scopes[${i}].name`, `"${name}" is listed twice`);
    seen.add(name);
    if (typeof entry.description !== 'string' || entry.description === '' || entry.description.length > 500) {
      invalid(`scopes[${i}].description`, 'must be a text of 1 to 500 characters');
    }
    return { name, description: entry.description as string };
  });
}

/**
 * Stored as given; each must be a JSON Schema of one object that the
 * validator can use (RFC 9396 §2, oauth/detail-schemas.ts), so a request is
 * never the first to find a broken schema.
 */
function validateDetailTypes(value: unknown): Record<string, Record<string, unknown>> | undefined {
  if (value === undefined) return undefined;
  if (!isObject(value)) invalid('authorization_details_types', 'must be an object of type name to JSON Schema');
  if (Object.keys(value).length > 50) invalid('authorization_details_types', 'may hold at most 50 types');
  for (const [type, schema] of Object.entries(value)) {
    if (type === '' || type.length > 200) invalid('authorization_details_types', 'type names must be 1 to 200 characters');
    if (!isObject(schema) || schema.type !== 'object') invalid(`authorization_details_types.${type}`, 'must be a JSON Schema with "type": "object"');
    const compiled = compileDetailSchema(schema);
    if (!compiled.ok) invalid(`authorization_details_types.${type}`, compiled.reason);
  }
  return value as Record<string, Record<string, unknown>>;
}

/** Validates an API registration (DESIGN.md contract 5): unknown members and wrong types are refused, naming the field. */
export function validateApi(body: unknown, config: Config): ApiFields {
  if (!isObject(body)) throw new InvalidRequest('the body must be a JSON object');
  const unknown = Object.keys(body).find((k) => !MEMBERS.has(k));
  if (unknown !== undefined) invalid(unknown, 'is not an API member');
  const { identifier, name, access_token_lifetime: lifetime, access_token_signing_alg: alg, allow_refresh } = body;
  if (typeof identifier !== 'string' || !isResourceIndicator(identifier)) invalid('identifier', 'must be an absolute URI without a fragment (RFC 8707 section 2)');
  if (typeof name !== 'string' || name === '' || name.length > 200) invalid('name', 'must be a text of 1 to 200 characters');
  if (lifetime !== undefined && (!Number.isInteger(lifetime) || (lifetime as number) < 60 || (lifetime as number) > 86_400)) {
    invalid('access_token_lifetime', 'must be an integer from 60 to 86400 seconds');
  }
  if (alg !== undefined && !(config.signingAlgs as readonly unknown[]).includes(alg)) invalid('access_token_signing_alg', `must be one of ${config.signingAlgs.join(', ')}`);
  if (allow_refresh !== undefined && typeof allow_refresh !== 'boolean') invalid('allow_refresh', 'must be true or false');
  const api: ApiFields = { identifier: identifier as string, name: name as string, scopes: validateScopes(body.scopes), allow_refresh: allow_refresh !== false };
  if (lifetime !== undefined) api.access_token_lifetime = lifetime as number;
  if (alg !== undefined) api.access_token_signing_alg = alg as string;
  const types = validateDetailTypes(body.authorization_details_types);
  if (types !== undefined) api.authorization_details_types = types;
  return api;
}

/**
 * The confidential client an API introspects with (RFC 7662 §2.1): a secret
 * for `client_secret_basic`, and no grant or response type, so it can obtain
 * no token of its own.
 */
function introspectionClient(api: ApiFields, client_id: string, now: number, secret_hash: string): StoredClient {
  return {
    client_id, client_id_issued_at: now, client_name: `${api.name} (API introspection)`, application_type: 'web', redirect_uris: [],
    token_endpoint_auth_method: 'client_secret_basic', grant_types: [], response_types: [], require_pushed_authorization_requests: false,
    id_token_signed_response_alg: 'RS256', post_logout_redirect_uris: [], frontchannel_logout_session_required: false,
    backchannel_logout_session_required: false, client_profile: 'default', client_secret_hash: secret_hash,
  };
}

/** Registers an API and its introspection credentials; the secret is returned once (DESIGN.md contract 5). */
export async function registerApi(body: unknown, deps: ApiRegistrationDeps): Promise<{ api: ResourceServer; client_secret: string }> {
  const fields = validateApi(body, deps.config);
  const now = deps.now();
  const client_secret = randomToken(32);
  const client = introspectionClient(fields, `${API_CLIENT_PREFIX}${randomToken(16)}`, now, await sha256b64(client_secret));
  const api: ResourceServer = { ...fields, client_id: client.client_id, created_at: now };
  if (!(await deps.apis.create(api))) invalid('identifier', `"${api.identifier}" is already registered`);
  if (!(await deps.clients.create(client))) {
    await deps.apis.remove(api.identifier);
    throw new Error('introspection client_id collision');
  }
  return { api, client_secret };
}

/** Replaces an API's entry; its identifier and introspection credentials stay. */
export async function replaceApi(identifier: string, body: unknown, deps: ApiRegistrationDeps): Promise<ResourceServer> {
  const existing = await deps.apis.get(identifier);
  if (!existing) throw new NotFound(`no API "${identifier}"`);
  const fields = validateApi(isObject(body) && body.identifier === undefined ? { ...body, identifier } : body, deps.config);
  if (fields.identifier !== identifier) invalid('identifier', 'cannot be changed');
  const api: ResourceServer = { ...fields, client_id: existing.client_id, created_at: existing.created_at };
  if (!(await deps.apis.replace(api))) throw new NotFound(`no API "${identifier}"`);
  return api;
}

/** Deletes an API and its introspection client: its credentials stop working at once. */
export async function deleteApi(identifier: string, deps: ApiRegistrationDeps): Promise<void> {
  const existing = await deps.apis.get(identifier);
  if (!existing || !(await deps.apis.remove(identifier))) throw new NotFound(`no API "${identifier}"`);
  await deps.clients.remove(existing.client_id);
}
