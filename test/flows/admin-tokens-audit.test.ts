import { describe, expect, it } from 'vitest';
import { adminRequest, createUser, registerClient } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { announceSecret } from '../helpers/secrets';
import { unique } from '../helpers/worker';

/**
 * Named admin tokens beside the bootstrap ADMIN_TOKEN (DESIGN.md contract 2,
 * issue 13), each revocable at once, and the audit log naming who did each
 * admin mutation (RFC 6750 §3.1 for refused tokens).
 */
interface Created { id: string; name: string; token: string; created_at: number; created_by: string }
interface Entry { id: number; at: number; actor_id: string; actor_name: string; action: string; target: string | null; status: number }

async function newToken(name = unique('ops')): Promise<Created> {
  const res = await adminRequest('POST', '/tokens', { name });
  expect(res.status).toBe(201);
  const created = await res.json<Created>();
  announceSecret(created.token);
  return created;
}

/** The newest audit entries (enough to find this test's own among parallel files). */
async function audit(limit = 200): Promise<Entry[]> {
  return (await (await adminRequest('GET', `/audit?limit=${limit}`)).json<{ entries: Entry[] }>()).entries;
}

describe('named admin tokens (issue 13)', () => {
  it('a created token is shown once, works as a bearer token, and is listed without any secret', async () => {
    const created = await newToken();
    expect(created).toMatchObject({ name: created.name, created_by: 'bootstrap' });
    expect(created.token).toMatch(/^pcadm_[A-Za-z0-9_-]{43}$/);
    expect((await adminRequest('GET', '/clients?limit=1', undefined, created.token)).status).toBe(200);
    const listed = await (await adminRequest('GET', '/tokens')).json<{ tokens: Array<Record<string, unknown>> }>();
    expect(listed.tokens[0]).toEqual({ id: 'bootstrap', name: 'bootstrap', created_at: null, created_by: null });
    expect(listed.tokens.find((t) => t.id === created.id)).toEqual({ id: created.id, name: created.name, created_at: created.created_at, created_by: 'bootstrap' });
    expect(JSON.stringify(listed)).not.toContain(created.token);
  });

  it('a deleted token is refused on its very next request with 401 invalid_token (no cache)', async () => {
    const created = await newToken();
    expect((await adminRequest('GET', '/tokens', undefined, created.token)).status).toBe(200);
    expect((await adminRequest('DELETE', `/tokens/${created.id}`)).status).toBe(204);
    const res = await adminRequest('GET', '/tokens', undefined, created.token);
    expect(await errorOf(res)).toMatchObject({ status: 401, error: 'invalid_token' });
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="portcullis-admin"');
    expect(await errorOf(await adminRequest('DELETE', `/tokens/${created.id}`))).toMatchObject({ status: 404, error: 'not_found' });
  });

  it('a named token can revoke itself and create others; the bootstrap token cannot be deleted through the API', async () => {
    const created = await newToken();
    const child = await adminRequest('POST', '/tokens', { name: unique('child') }, created.token);
    expect(child.status).toBe(201);
    const made = await child.json<Created>();
    announceSecret(made.token);
    expect(made.created_by).toBe(created.name);
    expect((await adminRequest('DELETE', `/tokens/${created.id}`, undefined, created.token)).status).toBe(204);
    expect((await adminRequest('GET', '/tokens', undefined, created.token)).status).toBe(401);
    expect(await errorOf(await adminRequest('DELETE', '/tokens/bootstrap'))).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('refuses a bad, reserved or taken name with invalid_request', async () => {
    const created = await newToken();
    for (const name of ['', 'has space', 'x'.repeat(65), 'bootstrap', created.name, 42]) {
      expect(await errorOf(await adminRequest('POST', '/tokens', { name }))).toMatchObject({ status: 400, error: 'invalid_request' });
    }
  });
});

describe('the admin audit log (issue 13)', () => {
  it('records each mutation with the acting token\'s id and name, the route, the target and the status', async () => {
    const created = await newToken();
    const user = await createUser();
    const patched = await adminRequest('PATCH', `/users/${user.sub}`, { claims: { name: 'Audited' } }, created.token);
    expect(patched.status).toBe(200);
    const refused = await adminRequest('PATCH', `/users/${user.sub}`, { claims: { role: 'x' } }, created.token);
    expect(refused.status).toBe(400);
    const mine = (await audit()).filter((e) => e.target === `sub=${user.sub}`);
    expect(mine.map(({ actor_id, actor_name, action, status }) => ({ actor_id, actor_name, action, status }))).toEqual([
      { actor_id: created.id, actor_name: created.name, action: 'PATCH /admin/users/{sub}', status: 400 },
      { actor_id: created.id, actor_name: created.name, action: 'PATCH /admin/users/{sub}', status: 200 },
      { actor_id: 'bootstrap', actor_name: 'bootstrap', action: 'POST /admin/users', status: 201 },
    ]);
  });

  it('never records a request body or a secret; reads are not recorded', async () => {
    const client = await registerClient();
    const user = await createUser();
    const res = await adminRequest('POST', `/users/${user.sub}/password-reset`);
    const { reset_url } = await res.json<{ reset_url: string }>();
    const token = new URL(reset_url).searchParams.get('token')!;
    announceSecret(token);
    await adminRequest('GET', `/users/${user.sub}`);
    const entries = await audit();
    const text = JSON.stringify(entries);
    for (const secret of [client.client_secret!, token, user.password]) expect(text).not.toContain(secret);
    const mine = entries.filter((e) => e.target === `sub=${user.sub}`).map((e) => e.action);
    expect(mine).toEqual(['POST /admin/users/{sub}/password-reset', 'POST /admin/users']);
    expect(entries.find((e) => e.target === `client_id=${client.client_id}`)).toMatchObject({ action: 'POST /admin/clients', status: 201 });
  });

  it('pages newest first with limit and next_cursor, and refuses a bad cursor', async () => {
    for (let i = 0; i < 3; i++) await createUser();
    const first = await (await adminRequest('GET', '/audit?limit=2')).json<{ entries: Entry[]; next_cursor: string }>();
    expect(first.entries).toHaveLength(2);
    expect(first.entries[0]!.id).toBeGreaterThan(first.entries[1]!.id);
    const second = await (await adminRequest('GET', `/audit?limit=2&cursor=${first.next_cursor}`)).json<{ entries: Entry[] }>();
    expect(second.entries[0]!.id).toBeLessThan(first.entries[1]!.id);
    for (const query of ['cursor=abc', 'cursor=0', 'limit=0', 'limit=201']) {
      expect(await errorOf(await adminRequest('GET', `/audit?${query}`))).toMatchObject({ status: 400, error: 'invalid_request' });
    }
  });

  it('does not record requests without a valid admin token', async () => {
    const before = (await audit(1))[0]?.id ?? 0;
    expect((await adminRequest('POST', '/users', { username: unique('x'), password: 'long enough' }, 'wrong-token')).status).toBe(401);
    expect((await audit()).filter((e) => e.id > before && e.actor_id !== 'bootstrap' && e.status === 401)).toEqual([]);
  });
});
