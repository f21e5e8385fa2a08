import type { Config } from '../config';
import { randomToken } from '../crypto/random';
import type { ClientStore } from '../storage/ports';
import { assertClientKeysImport, validateClientMetadata } from './client-metadata';
import { issueSecret } from './client-secrets';
import { InvalidClientMetadata, InvalidRequest, NotFound } from './errors';
import { applyMergePatch, isJsonObject } from './merge-patch';
import { SECRET_METHODS, type Client, type StoredClient } from './types';

export interface RegistrationDeps {
  config: Config;
  clients: ClientStore;
  now: () => number;
}

export interface RegistrationResult {
  client: Client;
  /** Shown once, in the response to the call that generated it (RFC 7591 §3.2.1). */
  client_secret?: string;
}

/** The registration as answered: stored metadata without secret material (RFC 7591 §3.2.1). */
export function publicView(client: StoredClient): Client {
  const { client_secret_hash: _hash, client_secret_sealed: _sealed, previous_secret_hash: _ph, previous_secret_sealed: _ps, previous_secret_expires_at: _pe, ...rest } = client;
  return rest;
}

/** Registers a client from admin-supplied metadata (RFC 7591 §3). */
export async function registerClient(body: unknown, deps: RegistrationDeps): Promise<RegistrationResult> {
  const metadata = validateClientMetadata(body, deps.config);
  await assertClientKeysImport(metadata);
  const client: StoredClient = { ...metadata, client_id: metadata.client_id ?? randomToken(16), client_id_issued_at: deps.now() };
  const client_secret = SECRET_METHODS.includes(client.token_endpoint_auth_method) ? await issueSecret(client, deps.config) : undefined;
  if (!(await deps.clients.create(client))) throw new InvalidClientMetadata(`client_id: "${client.client_id}" is already registered`);
  return { client: publicView(client), client_secret };
}

/**
 * Replaces a registration's metadata (RFC 7592 §2.2). The secret is kept while
 * the method keeps using it the same way; a new one is issued when it cannot be.
 */
export async function replaceClient(client_id: string, body: unknown, deps: RegistrationDeps): Promise<RegistrationResult> {
  const existing = await deps.clients.get(client_id);
  if (!existing) throw new NotFound(`no client "${client_id}"`);
  const metadata = validateClientMetadata(body, deps.config);
  await assertClientKeysImport(metadata);
  if (metadata.client_id !== undefined && metadata.client_id !== client_id) throw new InvalidClientMetadata('client_id: cannot be changed');
  const client: StoredClient = { ...metadata, client_id, client_id_issued_at: existing.client_id_issued_at };
  const method = client.token_endpoint_auth_method;
  let client_secret: string | undefined;
  if (SECRET_METHODS.includes(method)) {
    const keepable = method === 'client_secret_jwt' ? existing.client_secret_sealed : existing.client_secret_hash;
    if (keepable) {
      client.client_secret_hash = existing.client_secret_hash;
      if (method === 'client_secret_jwt') client.client_secret_sealed = existing.client_secret_sealed;
      keepRotation(client, existing, method === 'client_secret_jwt');
    } else {
      client_secret = await issueSecret(client, deps.config);
    }
  }
  if (!(await deps.clients.replace(client))) throw new NotFound(`no client "${client_id}"`);
  return { client: publicView(client), client_secret };
}

/** Carries a running secret rotation's overlap (oauth/client-secrets.ts) over a replacement that keeps the secret. */
function keepRotation(client: StoredClient, existing: StoredClient, sealed: boolean): void {
  if (!existing.previous_secret_hash || existing.previous_secret_expires_at === undefined) return;
  if (sealed && !existing.previous_secret_sealed) return;
  client.previous_secret_hash = existing.previous_secret_hash;
  if (sealed) client.previous_secret_sealed = existing.previous_secret_sealed;
  client.previous_secret_expires_at = existing.previous_secret_expires_at;
}

/**
 * Changes a registration by JSON Merge Patch (RFC 7396) over its stored
 * metadata (RFC 7591 §2 names): members set replace, `null` removes, and the
 * result is validated and stored exactly as a full replacement (RFC 7592 §2.2).
 */
export async function patchClient(client_id: string, patch: unknown, deps: RegistrationDeps): Promise<RegistrationResult> {
  if (!isJsonObject(patch)) throw new InvalidRequest('the body must be a JSON merge patch object (RFC 7396)');
  const existing = await deps.clients.get(client_id);
  if (!existing) throw new NotFound(`no client "${client_id}"`);
  const { client_id_issued_at: _issued, ...current } = publicView(existing);
  return replaceClient(client_id, applyMergePatch(current, patch), deps);
}
