import { hashPassword } from '../crypto/password';
import { randomToken } from '../crypto/random';
import type { User, UserStore } from '../storage/ports';
import { InvalidRequest } from './errors';
import { CLAIMS } from './capabilities';

/** Claims the server itself asserts; an account cannot carry them. */
const RESERVED = new Set(['sub', 'iss', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'acr', 'amr', 'azp', 'sid']);
const USERNAME = /^[\p{L}\p{N}._@+-]{1,64}$/u;

/** Creates a user account from `{ username, password, claims }` (DESIGN.md contract 3). */
export async function createUser(body: unknown, users: UserStore, now: number): Promise<Pick<User, 'sub' | 'username'>> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidRequest('the body must be a JSON object');
  const { username, password, claims = {} } = body as Record<string, unknown>;
  if (typeof username !== 'string' || !USERNAME.test(username)) throw new InvalidRequest('username: 1-64 letters, digits or . _ @ + -');
  if (typeof password !== 'string' || password.length < 8 || password.length > 1024) throw new InvalidRequest('password: 8 to 1024 characters');
  if (typeof claims !== 'object' || claims === null || Array.isArray(claims)) throw new InvalidRequest('claims: must be an object');
  for (const name of Object.keys(claims)) {
    if (RESERVED.has(name) || !CLAIMS.includes(name)) throw new InvalidRequest(`claims: "${name}" is not a standard user claim (OpenID Connect Core §5.1)`);
  }
  const user: User = { sub: randomToken(16), username, ...(await hashPassword(password)), claims: claims as Record<string, unknown>, created_at: now };
  if (!(await users.create(user))) throw new InvalidRequest(`username: "${username}" is taken`);
  return { sub: user.sub, username };
}
