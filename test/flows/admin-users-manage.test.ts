import { describe, expect, it } from 'vitest';
import { adminRequest, createUser, registerClient } from '../helpers/admin';
import { alertOfPage, errorOf } from '../helpers/errors';
import { authorizeUrl, newBrowser, parseForm, postForm, pushRequest, visit } from '../helpers/interaction';
import { redeem, refresh, sessionsOf, signIn, silentAuthorize, userinfo } from '../helpers/lifecycle';
import { pkce } from '../helpers/rp';
import { announceSecret } from '../helpers/secrets';
import { call, ADMIN_TOKEN, unique } from '../helpers/worker';

/**
 * Running a service's accounts through the admin API (issue 13, "Users"):
 * list and search, claims by JSON Merge Patch (RFC 7396) checked against the
 * standard claims (OpenID Connect Core §5.1), disabling, and an admin-set password.
 */
const confidential = () => registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'] });
const patch = (sub: string, body: unknown, type = 'application/merge-patch+json') =>
  call(`/admin/users/${sub}`, { method: 'PATCH', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': type }, body: JSON.stringify(body) });

interface Listed { users: Array<{ sub: string; username: string; claims: Record<string, unknown>; disabled: boolean }>; next_cursor?: string }
const list = async (query: string) => (await adminRequest('GET', `/users?${query}`)).json<Listed>();

/** Signs in on the real login page and answers the response to the password POST. */
async function loginPost(user: { username: string; password: string }) {
  const client = await confidential();
  const { code_challenge } = await pkce();
  const request_uri = await pushRequest(client, { response_type: 'code', redirect_uri: 'https://rp.example/cb', scope: 'openid', code_challenge, code_challenge_method: 'S256' });
  const browser = newBrowser();
  const page = await visit(browser, authorizeUrl({ client_id: client.client_id, request_uri }));
  const form = parseForm(await page.text());
  return postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
}

/** A login POST that succeeded: 303 on to this server's next page (consent), never the login form again. */
function expectSignedIn(res: Response): void {
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toMatch(/^\/interaction\//);
}

describe('GET /admin/users: list and search (issue 13)', () => {
  it('pages through accounts by username with limit and next_cursor, each once', async () => {
    const tag = unique('pg').toLowerCase();
    for (const n of ['a', 'b', 'c']) await createUser(`${tag}-${n}`);
    const first = await list(`q=${tag}&limit=2`);
    expect(first.users.map((u) => u.username)).toEqual([`${tag}-a`, `${tag}-b`]);
    expect(first.next_cursor).toBeTruthy();
    const second = await list(`q=${tag}&limit=2&cursor=${first.next_cursor}`);
    expect(second.users.map((u) => u.username)).toEqual([`${tag}-c`]);
    expect(second.next_cursor).toBeUndefined();
  });

  it('q finds a substring of the username, the email or the name claim, case-insensitively, and treats % and _ literally', async () => {
    const tag = unique('sq').replace(/-/g, '');
    const byEmail = await createUser(unique('u'), undefined, { email: `${tag}@Example.com` });
    const byName = await createUser(unique('u'), undefined, { name: `Ada ${tag.toUpperCase()} Lovelace` });
    const found = await list(`q=${encodeURIComponent(tag)}`);
    expect(found.users.map((u) => u.sub).sort()).toEqual([byEmail.sub, byName.sub].sort());
    expect(found.users[0]).not.toHaveProperty('password_hash');
    expect((await list(`q=${encodeURIComponent(`${tag.slice(0, 3)}%${tag.slice(4)}`)}`)).users).toEqual([]);
  });

  it('refuses a bad limit or cursor with invalid_request', async () => {
    for (const query of ['limit=0', 'limit=201', 'limit=x', 'cursor=%%%', 'q=']) {
      expect(await errorOf(await adminRequest('GET', `/users?${query}`))).toMatchObject({ status: 400, error: 'invalid_request' });
    }
  });
});

describe('PATCH /admin/users/{sub}: JSON Merge Patch of claims (RFC 7396, OpenID Connect Core §5.1)', () => {
  it('sets, replaces and removes (null) claims, merges address member by member, and keeps the rest (RFC 7396 §2)', async () => {
    const user = await createUser(unique('u'), undefined, { name: 'Old', email: 'old@example.com', address: { locality: 'Aarhus', country: 'DK' } });
    const res = await patch(user.sub, { claims: { name: 'New', email: null, address: { locality: 'Odense' }, email_verified: false } });
    expect(res.status).toBe(200);
    const expected = { name: 'New', address: { locality: 'Odense', country: 'DK' }, email_verified: false };
    expect((await res.json<{ claims: unknown }>()).claims).toEqual(expected);
    expect((await (await adminRequest('GET', `/users/${user.sub}`)).json<{ claims: unknown }>()).claims).toEqual(expected);
  });

  it('accepts application/json as well as application/merge-patch+json (RFC 7396 §4)', async () => {
    const user = await createUser();
    expect((await patch(user.sub, { claims: { nickname: 'n' } }, 'application/json')).status).toBe(200);
    expect(await errorOf(await patch(user.sub, { claims: {} }, 'text/plain'))).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('refuses claims of a non-standard name or shape with invalid_request and changes nothing (OpenID Connect Core §5.1)', async () => {
    const user = await createUser(unique('u'), undefined, { name: 'Kept' });
    for (const claims of [{ role: 'admin' }, { sub: 'x' }, { email_verified: 'yes' }, { updated_at: 'today' }, { address: 'Main St' }, { address: { planet: 'Mars' } }, { name: 42 }]) {
      expect(await errorOf(await patch(user.sub, { claims }))).toMatchObject({ status: 400, error: 'invalid_request' });
    }
    expect(await errorOf(await patch(user.sub, { password: 'new password here' }))).toMatchObject({ status: 400, error: 'invalid_request' });
    expect((await (await adminRequest('GET', `/users/${user.sub}`)).json<{ claims: unknown }>()).claims).toEqual({ name: 'Kept' });
  });

  it('renames the account (the new name signs in), refuses a taken name, and 404s an unknown sub', async () => {
    const [user, other] = await Promise.all([createUser(), createUser()]);
    const renamed = unique('renamed');
    expect((await patch(user.sub, { username: renamed })).status).toBe(200);
    expectSignedIn(await loginPost({ username: renamed, password: user.password }));
    expect(await errorOf(await patch(user.sub, { username: other.username.toUpperCase() }))).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(await errorOf(await patch('no-such-sub', { claims: {} }))).toMatchObject({ status: 404, error: 'not_found' });
  });
});

describe('disabling a user (issue 13): no login, no refresh, no userinfo', () => {
  it('a disabled user gets the same message as a wrong password, and signs in again once enabled (no enumeration)', async () => {
    const user = await createUser();
    const disabled = await adminRequest('POST', `/users/${user.sub}/disable`);
    expect(disabled.status).toBe(200);
    expect(await disabled.json()).toMatchObject({ sub: user.sub, disabled: true });
    const refused = await loginPost(user);
    const wrong = await loginPost({ username: user.username, password: 'not the password' });
    expect(refused.status).toBe(400);
    expect(alertOfPage(await refused.text())).toBe('The username or password is incorrect.');
    expect(alertOfPage(await wrong.text())).toBe('The username or password is incorrect.');
    expect((await adminRequest('POST', `/users/${user.sub}/enable`)).status).toBe(200);
    expectSignedIn(await loginPost(user));
  });

  it('disabling ends the sessions and revokes the grants, offline ones too: refresh is invalid_grant, /userinfo invalid_token (RFC 6749 §5.2, RFC 6750 §3.1)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const signedIn = await signIn(client, user, { scope: 'openid offline_access' });
    const tokens = await redeem(client, signedIn);
    expect(await sessionsOf(user.sub)).toHaveLength(1);
    expect((await patch(user.sub, { disabled: true })).status).toBe(200);
    expect(await errorOf(await refresh(client, tokens.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await errorOf(await userinfo(tokens.access_token))).toMatchObject({ status: 401, error: 'invalid_token' });
    expect((await silentAuthorize(client, signedIn.browser)).params.get('error')).toBe('login_required');
    expect((await (await adminRequest('GET', `/users/${user.sub}`)).json<{ disabled: boolean }>()).disabled).toBe(true);
  });
});

describe('PUT /admin/users/{sub}/password (issue 13)', () => {
  it('sets the password: the old one fails, the new one signs in, and existing sessions and refresh tokens end (OWASP ASVS V3.3.3)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const tokens = await redeem(client, await signIn(client, user, { scope: 'openid offline_access' }));
    const password = 'a brand new passphrase';
    announceSecret(password);
    expect((await adminRequest('PUT', `/users/${user.sub}/password`, { password })).status).toBe(204);
    expect(alertOfPage(await (await loginPost(user)).text())).toBe('The username or password is incorrect.');
    expectSignedIn(await loginPost({ username: user.username, password }));
    expect(await errorOf(await refresh(client, tokens.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('refuses a password under 8 characters with invalid_request and 404s an unknown sub', async () => {
    const user = await createUser();
    expect(await errorOf(await adminRequest('PUT', `/users/${user.sub}/password`, { password: 'short' }))).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(await errorOf(await adminRequest('PUT', '/users/no-such-sub/password', { password: 'long enough pw' }))).toMatchObject({ status: 404, error: 'not_found' });
    expectSignedIn(await loginPost(user));
  });
});
