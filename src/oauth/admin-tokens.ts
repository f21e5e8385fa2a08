import { sha256b64, timingSafeEqualStrings } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import type { AdminActor, AdminTokenPort, AdminTokenRecord } from '../storage/ports';
import { InvalidRequest, NotFound } from './errors';
import { isJsonObject } from './merge-patch';

/** The `ADMIN_TOKEN` secret as an actor (DESIGN.md contract 2): always there, never revocable through the API. */
export const BOOTSTRAP_ACTOR: AdminActor = { id: 'bootstrap', name: 'bootstrap' };
const NAME = /^[A-Za-z0-9._-]{1,64}$/;
/** Named tokens carry a recognizable prefix, so secret scanners can find a leaked one. */
const PREFIX = 'pcadm_';

/**
 * Who presents `token`: the bootstrap actor for `ADMIN_TOKEN` (compared in
 * constant time), else the named token whose SHA-256 is stored, read on every
 * request so a revocation is effective at once; null for anything else.
 */
export async function authenticateAdmin(token: string, deps: { adminToken: string; adminTokens: AdminTokenPort }): Promise<AdminActor | null> {
  if (await timingSafeEqualStrings(token, deps.adminToken)) return BOOTSTRAP_ACTOR;
  if (!token.startsWith(PREFIX) || token.length > 128) return null;
  return deps.adminTokens.findByHash(await sha256b64(token));
}

/** Creates a named admin token from `{"name"}`; the token is answered once and stored only as its SHA-256. */
export async function createAdminToken(
  body: unknown, creator: AdminActor, deps: { adminTokens: AdminTokenPort; now: () => number },
): Promise<AdminTokenRecord & { token: string }> {
  const name = isJsonObject(body) ? body.name : undefined;
  if (typeof name !== 'string' || !NAME.test(name)) throw new InvalidRequest('name: 1-64 letters, digits or . _ -');
  if (name === BOOTSTRAP_ACTOR.name) throw new InvalidRequest('name: "bootstrap" is the ADMIN_TOKEN secret');
  const token = `${PREFIX}${randomToken(32)}`;
  const record: AdminTokenRecord = { id: randomToken(12), name, created_at: deps.now(), created_by: creator.name };
  if (!(await deps.adminTokens.create(record, await sha256b64(token)))) throw new InvalidRequest(`name: "${name}" is taken`);
  return { ...record, token };
}

/** Revokes a named token; the bootstrap token is the ADMIN_TOKEN secret and is changed there. */
export async function revokeAdminToken(id: string, deps: { adminTokens: AdminTokenPort }): Promise<void> {
  if (id === BOOTSTRAP_ACTOR.id) throw new InvalidRequest('the bootstrap token is the ADMIN_TOKEN secret: change the secret to revoke it');
  if (!(await deps.adminTokens.remove(id))) throw new NotFound(`no admin token "${id}"`);
}
