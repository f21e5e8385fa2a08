import { hashPassword } from '../crypto/password';
import { base64url, fromBase64url } from '../crypto/encoding';
import type { PasswordResetPort, RateLimitPort, User, UserStore } from '../storage/ports';
import { endUserAccess, type LifecycleDeps } from './account-lifecycle';
import { InvalidRequest, NotFound } from './errors';
import { loginAccountSubject } from './login';
import { applyMergePatch, isJsonObject } from './merge-patch';
import { assertPassword, assertUserClaims, assertUsername } from './user-claims';

/** What the operator side needs to change accounts: the lifecycle cascade plus the account store, links and login counters. */
export interface UserAdminDeps extends LifecycleDeps {
  users: UserStore;
  passwordResets: PasswordResetPort;
  rateLimits: RateLimitPort;
}

/** An account as the admin API shows it: never its password hash. */
export interface UserView {
  sub: string;
  username: string;
  claims: Record<string, unknown>;
  created_at: number;
  disabled: boolean;
}

export function userView(user: User): UserView {
  return { sub: user.sub, username: user.username, claims: user.claims, created_at: user.created_at, disabled: user.disabled === true };
}

/** The members of an account a merge patch may change (password has its own endpoint, sub and created_at never change). */
const PATCHABLE = new Set(['username', 'claims', 'disabled']);

function parseLimit(raw: string | undefined): number {
  const limit = Number(raw ?? 50);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200) throw new InvalidRequest('limit must be an integer from 1 to 200');
  return limit;
}

function parseCursor(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(fromBase64url(raw));
  } catch {
    throw new InvalidRequest('cursor must be the next_cursor of a previous page');
  }
}

/**
 * A page of accounts ordered by username; `q` finds a substring of the
 * username, `email` or `name` claim, case-insensitively. `next_cursor` is
 * present when more may follow.
 */
export async function listUsers(query: { q?: string; limit?: string; cursor?: string }, users: UserStore): Promise<{ users: UserView[]; next_cursor?: string }> {
  const limit = parseLimit(query.limit);
  if (query.q !== undefined && (query.q.length === 0 || query.q.length > 128)) throw new InvalidRequest('q must be 1 to 128 characters');
  const page = await users.list({ limit: limit + 1, after: parseCursor(query.cursor), q: query.q });
  const shown = page.slice(0, limit);
  const next = page.length > limit ? base64url(new TextEncoder().encode(shown.at(-1)!.username)) : undefined;
  return { users: shown.map(userView), ...(next && { next_cursor: next }) };
}

/**
 * Changes an account by JSON Merge Patch (RFC 7396) over `{username, claims,
 * disabled}`: a claim set to null is removed, and the result is validated as
 * at creation (OpenID Connect Core §5.1). Disabling ends every session and
 * grant of the account, as deleting it would; the flag is written first, so
 * no login starts while the cascade runs.
 */
export async function patchUser(sub: string, patch: unknown, deps: UserAdminDeps): Promise<UserView> {
  if (!isJsonObject(patch)) throw new InvalidRequest('the body must be a JSON merge patch object (RFC 7396)');
  const unknown = Object.keys(patch).find((name) => !PATCHABLE.has(name));
  if (unknown) throw new InvalidRequest(`${unknown}: cannot be changed by PATCH (username, claims and disabled can)`);
  const user = await deps.users.get(sub);
  if (!user) throw new NotFound(`no user "${sub}"`);
  const merged = applyMergePatch({ username: user.username, claims: user.claims, disabled: user.disabled === true }, patch) as Record<string, unknown>;
  const { username, claims = {}, disabled = false } = merged;
  assertUsername(username);
  assertUserClaims(claims);
  if (typeof disabled !== 'boolean') throw new InvalidRequest('disabled: must be true or false');
  const outcome = await deps.users.update(sub, { username, claims, disabled });
  if (outcome === 'missing') throw new NotFound(`no user "${sub}"`);
  if (outcome === 'taken') throw new InvalidRequest(`username: "${username}" is taken`);
  if (disabled && user.disabled !== true) await endUserAccess(sub, deps);
  return userView({ ...user, username, claims, disabled });
}

/**
 * Replaces an account's password and everything the old one opened: older
 * reset links, every session and grant (OWASP ASVS V3.3.3: a password change
 * is how a compromised account is taken back), and the login counters, so its
 * owner can sign in at once.
 */
export async function replacePassword(sub: string, password: unknown, deps: UserAdminDeps): Promise<void> {
  assertPassword(password);
  const user = await deps.users.get(sub);
  if (!user) throw new NotFound(`no user "${sub}"`);
  if ((await deps.users.update(sub, await hashPassword(password))) === 'missing') throw new NotFound(`no user "${sub}"`);
  await afterPasswordChange(user, deps);
}

/** The consequences of a new password, shared by the admin-set password and a completed reset link. */
export async function afterPasswordChange(user: User, deps: UserAdminDeps): Promise<void> {
  await deps.passwordResets.removeFor(user.sub);
  await endUserAccess(user.sub, deps);
  await deps.rateLimits.reset(await loginAccountSubject(user.username));
}
