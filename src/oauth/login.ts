import { sha256b64 } from '../crypto/hash';
import { DUMMY_HASH, verifyPassword } from '../crypto/password';
import type { Config } from '../config';
import type { RateLimitPort } from '../storage/ports';
import type { User, UserStore } from '../storage/ports';

/** Authentication Method Reference of a password login (RFC 8176 §2). */
export const PASSWORD_AMR = ['pwd'];
/** The acr of a single-factor password login; documented in the README as Portcullis' only level today. */
export const PASSWORD_ACR = 'urn:portcullis:acr:pwd';

const MAX_USERNAME = 64;
const MAX_PASSWORD = 1024;

export interface LoginDeps {
  users: UserStore;
  rateLimits: RateLimitPort;
  /** `limits.loginPerAccount` and `limits.loginPerIp`: failed logins allowed per window (NIST SP 800-63B §5.2.2, OWASP ASVS V2.2.1). */
  config: Pick<Config, 'limits'>;
}

export type LoginOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retry_after: number };

async function subjects(username: string, ip: string): Promise<{ account: string; ip: string }> {
  // Keyed by the name as typed (case-folded), so unknown names are throttled like known ones: no enumeration.
  return { account: `login-account:${await sha256b64(username.toLowerCase())}`, ip: `login-ip:${ip}` };
}

/**
 * Checks a username and password. Unknown users cost the same PBKDF2 work as
 * known ones and get the same answer; failures count against the account and
 * the client IP, and once either is over its limit no password is checked
 * until the window passes.
 */
export async function authenticatePassword(username: string, password: string, ip: string, deps: LoginDeps): Promise<LoginOutcome> {
  const keys = await subjects(username, ip);
  const { loginPerAccount: account, loginPerIp: perIp } = deps.config.limits;
  const [byAccount, byIp] = await Promise.all([
    deps.rateLimits.peek(keys.account, account.limit, account.windowSeconds),
    deps.rateLimits.peek(keys.ip, perIp.limit, perIp.windowSeconds),
  ]);
  if (!byAccount.allowed || !byIp.allowed) {
    const retry_after = Math.max(byAccount.allowed ? 0 : byAccount.retry_after, byIp.allowed ? 0 : byIp.retry_after);
    return { ok: false, reason: 'throttled', retry_after };
  }
  const plausible = username.length > 0 && username.length <= MAX_USERNAME && password.length <= MAX_PASSWORD;
  const user = plausible ? await deps.users.findByUsername(username) : null;
  const valid = await verifyPassword(password.slice(0, MAX_PASSWORD), user ?? DUMMY_HASH);
  if (user && valid && plausible) {
    await deps.rateLimits.reset(keys.account);
    return { ok: true, user };
  }
  await Promise.all([
    deps.rateLimits.hit(keys.account, account.limit, account.windowSeconds),
    deps.rateLimits.hit(keys.ip, perIp.limit, perIp.windowSeconds),
  ]);
  return { ok: false, reason: 'invalid' };
}
