import { hashPassword } from '../crypto/password';
import { randomToken } from '../crypto/random';
import type { User, UserStore } from '../storage/ports';
import { InvalidRequest } from './errors';
import { isJsonObject } from './merge-patch';
import { assertPassword, assertUserClaims, assertUsername } from './user-claims';

/** Creates a user account from `{ username, password, claims }` (DESIGN.md contract 3). */
export async function createUser(body: unknown, users: UserStore, now: number): Promise<Pick<User, 'sub' | 'username'>> {
  if (!isJsonObject(body)) throw new InvalidRequest('the body must be a JSON object');
  const { username, password, claims = {} } = body;
  assertUsername(username);
  assertPassword(password);
  assertUserClaims(claims);
  const user: User = { sub: randomToken(16), username, ...(await hashPassword(password)), claims, created_at: now };
  if (!(await users.create(user))) throw new InvalidRequest(`username: "${username}" is taken`);
  return { sub: user.sub, username };
}
