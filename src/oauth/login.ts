import { sha256b64 } from '../crypto/hash';
import { DUMMY_HASH, verifyPassword } from '../crypto/password';
import type { Config } from '../config';
import type { LimitPolicy, RateLimitPort, User, UserStore } from '../storage/ports';

/** Authentication Method Reference of a password login (RFC 8176 §2). */
export const PASSWORD_AMR = ['pwd'];
/** The acr of a single-factor password login; documented in the README as Portcullis' only level today. */
export const PASSWORD_ACR = 'urn:portcullis:acr:pwd';

const MAX_USERNAME = 64;
const MAX_PASSWORD = 1024;

export interface LoginDeps {
  users: UserStore;
  rateLimits: RateLimitPort;
  /** The login throttling settings (NIST SP 800-63B §5.2.2, OWASP ASVS V2.2.1). */
  config: Pick<Config, 'limits' | 'loginFailuresPerAccountAndIp' | 'loginAccountDelay' | 'loginAccountMaxDelay'>;
}

export type LoginOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'throttled'; retry_after: number };

interface Subjects {
  /** The account's limiter: holds the per-account counter and one counter per account and address. */
  account: string;
  pair: string;
  ip: string;
}

/** The limiter subject of an account, keyed by the name as typed (case-folded) so unknown names are throttled like known ones: no enumeration. */
export async function loginAccountSubject(username: string): Promise<string> {
  return `login-account:${await sha256b64(username.toLowerCase())}`;
}

async function subjects(username: string, ip: string): Promise<Subjects> {
  const account = await loginAccountSubject(username);
  return { account, pair: `${account}|ip:${ip}`, ip: `login-ip:${ip}` };
}

function policies(config: LoginDeps['config']): { ip: LimitPolicy; pair: LimitPolicy; account: LimitPolicy } {
  const { loginPerAccount, loginPerIp } = config.limits;
  const windowSeconds = loginPerIp.windowSeconds;
  return {
    ip: { kind: 'window', limit: loginPerIp.limit, windowSeconds },
    pair: { kind: 'window', limit: config.loginFailuresPerAccountAndIp, windowSeconds },
    account: { kind: 'backoff', free: loginPerAccount.limit, delay: config.loginAccountDelay, maxDelay: config.loginAccountMaxDelay, windowSeconds },
  };
}

/**
 * Reserves one guess before any password is checked (NIST SP 800-63B
 * §5.2.2): per address, per account and address (strict), and per account
 * (growing delays, never a lockout an outsider could hand its owner). Each
 * reservation is one atomic step in the subject's limiter, so a parallel burst
 * gets at most the limit of checks. A refused reservation gives back the
 * others: no guess was made.
 */
async function reserveGuess(keys: Subjects, deps: LoginDeps): Promise<{ ok: true } | { ok: false; retry_after: number }> {
  const policy = policies(deps.config);
  const byIp = await deps.rateLimits.reserve(keys.ip, [{ key: keys.ip, policy: policy.ip }]);
  if (!byIp.allowed) return { ok: false, retry_after: byIp.retry_after };
  const byAccount = await deps.rateLimits.reserve(keys.account, [
    { key: keys.pair, policy: policy.pair },
    { key: keys.account, policy: policy.account },
  ]);
  if (byAccount.allowed) return { ok: true };
  await deps.rateLimits.release(keys.ip, keys.ip);
  return { ok: false, retry_after: byAccount.retry_after };
}

/**
 * Checks a username and password. Unknown users cost the same PBKDF2 work as
 * known ones and get the same answer. Every guess is counted before it is
 * checked; a correct one clears the account's delay, and its counter for this
 * address when no other guess was counted beside it, and gives the address its guess back.
 */
export async function authenticatePassword(username: string, password: string, ip: string, deps: LoginDeps): Promise<LoginOutcome> {
  const keys = await subjects(username, ip);
  const reserved = await reserveGuess(keys, deps);
  if (!reserved.ok) return { ok: false, reason: 'throttled', retry_after: reserved.retry_after };
  const plausible = username.length > 0 && username.length <= MAX_USERNAME && password.length <= MAX_PASSWORD;
  const user = plausible ? await deps.users.findByUsername(username) : null;
  const valid = await verifyPassword(password.slice(0, MAX_PASSWORD), user ?? DUMMY_HASH);
  // A disabled account fails like a wrong password, after the same work: no enumeration by message or time.
  if (user && valid && plausible && !user.disabled) {
    await Promise.all([deps.rateLimits.reset(keys.account, [keys.account], { alone: [keys.pair] }), deps.rateLimits.release(keys.ip, keys.ip)]);
    return { ok: true, user };
  }
  return { ok: false, reason: 'invalid' };
}

/** Clears every login counter of the account `sub` (the admin unlock); false when there is no such user. */
export async function unlockAccount(sub: string, deps: Pick<LoginDeps, 'users' | 'rateLimits'>): Promise<boolean> {
  const user = await deps.users.get(sub);
  if (!user) return false;
  await deps.rateLimits.reset(await loginAccountSubject(user.username));
  return true;
}
