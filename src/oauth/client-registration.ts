import type { Config } from '../config';
import { sha256b64 } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import { seal } from '../crypto/secret-box';
import type { ClientStore } from '../storage/ports';
import { assertClientKeysImport, validateClientMetadata } from './client-metadata';
import { InvalidClientMetadata, NotFound } from './errors';
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

/** A new client secret of 256 bits, stored only as its SHA-256 hash (and sealed for client_secret_jwt). */
async function issueSecret(client: StoredClient, config: Config): Promise<string> {
  const secret = randomToken(32);
  client.client_secret_hash = await sha256b64(secret);
  delete client.client_secret_sealed;
  if (client.token_endpoint_auth_method === 'client_secret_jwt') {
    client.client_secret_sealed = await seal(secret, config.clientSecretKey!, client.client_id);
  }
  return secret;
}

/** The registration as answered: stored metadata without secret material (RFC 7591 §3.2.1). */
export function publicView(client: StoredClient): Client {
  const { client_secret_hash: _hash, client_secret_sealed: _sealed, ...rest } = client;
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
    } else {
      client_secret = await issueSecret(client, deps.config);
    }
  }
  if (!(await deps.clients.replace(client))) throw new NotFound(`no client "${client_id}"`);
  return { client: publicView(client), client_secret };
}
