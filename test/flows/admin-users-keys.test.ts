import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { adminRequest } from '../helpers/admin';
import { appWith } from '../helpers/par';
import { ADMIN_TOKEN, call, testEnv, unique } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

/** The admin user and key API (DESIGN.md contract 3). */
describe('admin API: users', () => {
  it('creates a user (201 {sub, username}), reads it without the password, deletes it', async () => {
    const username = unique('alice');
    const res = await adminRequest('POST', '/users', { username, password: 'correct horse battery', claims: { email: 'a@example.com', email_verified: true, name: 'Alice' } });
    expect(res.status).toBe(201);
    const created = (await res.json()) as { sub: string; username: string };
    expect(Object.keys(created).sort()).toEqual(['sub', 'username']);
    expect(created.username).toBe(username);
    expect(created.sub).toMatch(/^[A-Za-z0-9_-]{22}$/);

    const got = await adminRequest('GET', `/users/${created.sub}`);
    expect(got.status).toBe(200);
    const user = (await got.json()) as Record<string, unknown>;
    expect(user).toMatchObject({ sub: created.sub, username, claims: { email: 'a@example.com', email_verified: true, name: 'Alice' } });
    expect(JSON.stringify(user)).not.toContain('correct horse battery');
    expect(user).not.toHaveProperty('password_hash');

    const row = await testEnv.DB.prepare('SELECT * FROM users WHERE sub = ?').bind(created.sub).first<Record<string, unknown>>();
    for (const value of Object.values(row!)) expect(String(value)).not.toContain('correct horse battery');

    expect((await adminRequest('DELETE', `/users/${created.sub}`)).status).toBe(204);
    expect(await errorOf(await adminRequest('GET', `/users/${created.sub}`))).toMatchObject({ status: 404, error: 'not_found' });
    expect((await adminRequest('DELETE', `/users/${created.sub}`)).status).toBe(404);
  });

  it('refuses a duplicate username, case-insensitively, keeping one account', async () => {
    const username = unique('bob');
    expect((await adminRequest('POST', '/users', { username, password: 'password-one' })).status).toBe(201);
    for (const name of [username, username.toUpperCase()]) {
      expect(await errorOf(await adminRequest('POST', '/users', { username: name, password: 'password-two' }))).toMatchObject({ status: 400, error: 'invalid_request' });
    }
    const n = await testEnv.DB.prepare('SELECT COUNT(*) AS n FROM users WHERE username = ?').bind(username).first<{ n: number }>();
    expect(n!.n).toBe(1);
  });

  it.each([
    ['username', { username: '', password: 'long enough' }],
    ['username', { username: 'has space', password: 'long enough' }],
    ['password', { username: 'short-pw', password: 'short' }],
    ['claims', { username: 'c1', password: 'long enough', claims: { sub: 'forged' } }],
    ['claims', { username: 'c2', password: 'long enough', claims: { role: 'admin' } }],
    ['claims', { username: 'c3', password: 'long enough', claims: [] }],
  ])('refuses an invalid %s with invalid_request naming it', async (field, body) => {
    const res = await adminRequest('POST', '/users', { ...body, username: body.username && `${body.username}-${crypto.randomUUID().slice(0, 4)}` });
    const error = await errorOf(res);
    expect({ status: error.status, error: error.error }).toEqual({ status: 400, error: 'invalid_request' });
    expect(error.error_description).toContain(field);
  });

  it('guards the user API with the admin token (DESIGN.md contract 2)', async () => {
    const res = await call('/admin/users', { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body: '{}' });
    expect(res.status).toBe(401);
  });
});

describe('admin API: signing keys', () => {
  type Jwks = { keys: { kid: string; alg: string }[] };

  it('rotates at once with ?immediate=true: new keys are active, old public keys stay in /jwks (DESIGN.md platform map)', async () => {
    const before = (await (await call('/jwks')).json()) as Jwks;
    const res = await adminRequest('POST', '/keys/rotate?immediate=true');
    expect(res.status).toBe(200);
    const rotated = (await res.json()) as { active: { kid: string; alg: string }[]; published: number };
    expect(rotated.active.map((k) => k.alg).sort()).toEqual(['ES256', 'EdDSA', 'PS256', 'RS256']);
    const after = (await (await call('/jwks')).json()) as Jwks;
    const kidsAfter = after.keys.map((k) => k.kid);
    for (const k of rotated.active) expect(kidsAfter).toContain(k.kid);
    const previouslyActive = before.keys.slice(0, 4).map((k) => k.kid);
    for (const kid of previouslyActive) expect(kidsAfter).toContain(kid);
    for (const k of rotated.active) expect(before.keys.map((b) => b.kid)).not.toContain(k.kid);
  });

  it('answers 409 to rotate when keys come from SIGNING_KEYS', async () => {
    const es = await exportJWK((await generateKeyPair('ES256', { extractable: true })).privateKey);
    const rs = await exportJWK((await generateKeyPair('RS256', { extractable: true })).privateKey);
    const keys = [{ ...es, kid: 'k1', alg: 'ES256' }, { ...rs, kid: 'k2', alg: 'RS256' }];
    const fetch = appWith({ SIGNING_ALGS: 'ES256,RS256', SIGNING_KEYS: JSON.stringify({ keys }) });
    const res = await fetch('/admin/keys/rotate', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(await errorOf(res)).toMatchObject({ status: 409, error: 'invalid_request' });
  });
});
