import { sha256b64 } from '../crypto/hash';
import { hashPassword } from '../crypto/password';
import { randomToken } from '../crypto/random';
import { InvalidRequest, NotFound } from './errors';
import { isJsonObject } from './merge-patch';
import { afterPasswordChange, type UserAdminDeps } from './user-admin';
import { assertPassword } from './user-claims';

/** Lifetime of a reset link unless the operator asks otherwise, and the bounds of what may be asked (seconds). */
export const RESET_LINK = { default: 3600, min: 300, max: 86_400 } as const;
/** The page a reset link opens, relative to the issuer. */
export const RESET_PATH = '/password-reset';
const TOKEN = /^[A-Za-z0-9_-]{43}$/;

/**
 * Makes a one-time password reset link for account `sub`, for the operator to
 * deliver: 256 random bits, of which only the SHA-256 is stored. Body:
 * `{"expires_in"?: seconds}` within RESET_LINK's bounds.
 */
export async function createResetLink(sub: string, body: unknown, deps: UserAdminDeps & { issuer: string }): Promise<{ reset_url: string; expires_at: number }> {
  const { expires_in = RESET_LINK.default } = isJsonObject(body) ? body : {};
  if (!Number.isInteger(expires_in) || (expires_in as number) < RESET_LINK.min || (expires_in as number) > RESET_LINK.max) {
    throw new InvalidRequest(`expires_in: an integer from ${RESET_LINK.min} to ${RESET_LINK.max} seconds`);
  }
  const user = await deps.users.get(sub);
  if (!user) throw new NotFound(`no user "${sub}"`);
  if (user.disabled) throw new InvalidRequest('the account is disabled: enable it before sending a reset link');
  const token = randomToken(32);
  const now = deps.now();
  const expires_at = now + (expires_in as number);
  await deps.passwordResets.create({ token_hash: await sha256b64(token), sub, created_at: now, expires_at });
  return { reset_url: `${deps.issuer}${RESET_PATH}?token=${token}`, expires_at };
}

async function hashOf(token: string | undefined): Promise<string | null> {
  return token !== undefined && TOKEN.test(token) ? sha256b64(token) : null;
}

/** Whether a reset link can still be used (unused, unexpired), without spending it. */
export async function resetLinkUsable(token: string | undefined, deps: Pick<UserAdminDeps, 'passwordResets' | 'now'>): Promise<boolean> {
  const hash = await hashOf(token);
  return hash !== null && (await deps.passwordResets.peek(hash, deps.now())) !== null;
}

export type ResetOutcome = { ok: true } | { ok: false; reason: 'password' | 'link' };

/**
 * Sets a new password through a reset link. The link is spent by one atomic
 * conditional update, so of two submissions only one sets a password; then
 * the account's sessions and grants end as after any password change.
 */
export async function completeReset(token: string | undefined, password: string | undefined, deps: UserAdminDeps): Promise<ResetOutcome> {
  const hash = await hashOf(token);
  if (hash === null) return { ok: false, reason: 'link' };
  try {
    assertPassword(password);
  } catch {
    return { ok: false, reason: 'password' };
  }
  const stored = await hashPassword(password);
  const sub = await deps.passwordResets.redeem(hash, deps.now());
  if (sub === null) return { ok: false, reason: 'link' };
  const user = await deps.users.get(sub);
  if (!user || user.disabled || (await deps.users.update(sub, stored)) !== 'ok') return { ok: false, reason: 'link' };
  await afterPasswordChange(user, deps);
  return { ok: true };
}
