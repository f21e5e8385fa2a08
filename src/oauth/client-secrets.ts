import type { Config } from '../config';
import { matchesSha256, sha256b64 } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import { open, seal } from '../crypto/secret-box';
import type { ClientStore } from '../storage/ports';
import { InvalidRequest, NotFound } from './errors';
import { isJsonObject } from './merge-patch';
import { SECRET_METHODS, type StoredClient } from './types';

/** Overlap of a secret rotation unless asked otherwise, and its bounds (seconds): the old secret works this long beside the new one. */
export const SECRET_OVERLAP = { default: 3600, max: 30 * 86_400 } as const;

/** Whether the secret replaced by the last rotation is still accepted at `now`. */
function previousLive(client: StoredClient, now: number): boolean {
  return client.previous_secret_expires_at !== undefined && now < client.previous_secret_expires_at;
}

/**
 * Whether `presented` is the client's secret (RFC 6749 §2.3.1) or, during a
 * rotation's overlap, the one it replaced. Both digests are compared, each in
 * constant time, whichever matches, so timing does not tell which one did.
 */
export async function clientSecretMatches(client: StoredClient, presented: string, now: number): Promise<boolean> {
  const current = client.client_secret_hash ? await matchesSha256(presented, client.client_secret_hash) : false;
  const previous = client.previous_secret_hash && previousLive(client, now) ? await matchesSha256(presented, client.previous_secret_hash) : false;
  return current || previous;
}

/**
 * The sealed secrets a client_secret_jwt assertion may be signed with (RFC
 * 7523 §2.2, OpenID Connect Core §9): the current one, and during a
 * rotation's overlap the one it replaced. Null when none can be opened.
 */
export async function clientHmacSecrets(client: StoredClient, key: string, now: number): Promise<string[] | null> {
  const sealed = [client.client_secret_sealed, previousLive(client, now) ? client.previous_secret_sealed : undefined].filter((s): s is string => !!s);
  const opened: string[] = [];
  for (const value of sealed) {
    try {
      opened.push(await open(value, key, client.client_id));
    } catch {
      // CLIENT_SECRET_KEY changed or the sealed value is damaged: that secret cannot verify anything.
    }
  }
  return opened.length ? opened : null;
}

/** A new secret of 256 bits written onto `client`: only its SHA-256, and sealed for client_secret_jwt. */
export async function issueSecret(client: StoredClient, config: Config): Promise<string> {
  const secret = randomToken(32);
  client.client_secret_hash = await sha256b64(secret);
  delete client.client_secret_sealed;
  if (client.token_endpoint_auth_method === 'client_secret_jwt') {
    client.client_secret_sealed = await seal(secret, config.clientSecretKey!, client.client_id);
  }
  return secret;
}

/**
 * The secret state the admin API shows: `client_secret_expires_at` 0 (RFC
 * 7591 §3.2.1: the secret does not expire) and, during a rotation's overlap,
 * when the replaced secret stops working.
 */
export function secretState(client: StoredClient, now: number): { client_secret_expires_at?: 0; previous_secret_expires_at?: number } {
  if (!SECRET_METHODS.includes(client.token_endpoint_auth_method)) return {};
  return { client_secret_expires_at: 0, ...(previousLive(client, now) && { previous_secret_expires_at: client.previous_secret_expires_at }) };
}

/**
 * Rotates a client's secret (RFC 7592 §2.2 lets the server issue a new one):
 * the new secret is answered once, and the old one keeps working for
 * `overlap_seconds` (default SECRET_OVERLAP.default, 0 ends it at once), so
 * the client can be redeployed without downtime. A rotation during an overlap
 * ends the older overlap: at most two secrets are ever accepted.
 */
export async function rotateClientSecret(
  client_id: string, body: unknown, deps: { clients: ClientStore; config: Config; now: () => number },
): Promise<{ client_secret: string; client_secret_expires_at: 0; previous_secret_expires_at?: number }> {
  const { overlap_seconds = SECRET_OVERLAP.default } = isJsonObject(body) ? body : {};
  if (!Number.isInteger(overlap_seconds) || (overlap_seconds as number) < 0 || (overlap_seconds as number) > SECRET_OVERLAP.max) {
    throw new InvalidRequest(`overlap_seconds: an integer from 0 to ${SECRET_OVERLAP.max}`);
  }
  const client = await deps.clients.get(client_id);
  if (!client) throw new NotFound(`no client "${client_id}"`);
  if (!SECRET_METHODS.includes(client.token_endpoint_auth_method)) {
    throw new InvalidRequest(`the client authenticates with ${client.token_endpoint_auth_method}, which uses no client secret`);
  }
  const rotated: StoredClient = { ...client };
  delete rotated.previous_secret_hash;
  delete rotated.previous_secret_sealed;
  delete rotated.previous_secret_expires_at;
  if (overlap_seconds !== 0 && client.client_secret_hash) {
    rotated.previous_secret_hash = client.client_secret_hash;
    if (client.client_secret_sealed) rotated.previous_secret_sealed = client.client_secret_sealed;
    rotated.previous_secret_expires_at = deps.now() + (overlap_seconds as number);
  }
  const client_secret = await issueSecret(rotated, deps.config);
  if (!(await deps.clients.replace(rotated))) throw new NotFound(`no client "${client_id}"`);
  return { client_secret, client_secret_expires_at: 0, ...(rotated.previous_secret_expires_at !== undefined && { previous_secret_expires_at: rotated.previous_secret_expires_at }) };
}
