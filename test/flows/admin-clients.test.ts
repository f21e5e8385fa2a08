import { describe, expect, it } from 'vitest';
import { sha256b64 } from '../../src/crypto/hash';
import { fromBase64url } from '../../src/crypto/encoding';
import { adminRequest, registerClient } from '../helpers/admin';
import { clientKey } from '../helpers/jwt';
import { appWith, authzParams, parBasic, parForm } from '../helpers/par';
import { ADMIN_TOKEN, call, testEnv, unique } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

/** The admin client API (DESIGN.md contract 3, RFC 7591 §2-3). */
describe('admin API: clients', () => {
  const base = { redirect_uris: ['https://rp.example/cb'] };
  const row = (client_id: string) => testEnv.DB.prepare('SELECT * FROM clients WHERE client_id = ?').bind(client_id).first<Record<string, unknown>>();

  it('answers 404 when no ADMIN_TOKEN is configured (DESIGN.md contract 2)', async () => {
    const fetch = appWith({ ADMIN_TOKEN: '' });
    const res = await fetch('/admin/clients', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(await errorOf(res)).toMatchObject({ status: 404, error: 'not_found' });
    const post = await fetch('/admin/clients', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(base) });
    expect(post.status).toBe(404);
  });

  it.each([
    ['a wrong token', { authorization: 'Bearer wrong' }],
    ['no token', {}],
    ['Basic instead of Bearer', { authorization: `Basic ${btoa(`admin:${ADMIN_TOKEN}`)}` }],
    ['the token with a suffix', { authorization: `Bearer ${ADMIN_TOKEN}x` }],
  ])('answers 401 to %s, writing nothing (DESIGN.md contract 2, RFC 6750 §3)', async (_label, headers) => {
    const client_id = unique('x');
    const res = await call('/admin/clients', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ ...base, client_id }) });
    expect(await errorOf(res)).toMatchObject({ status: 401, error: 'invalid_token' });
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await row(client_id)).toBeNull();
  });

  it('answers 201 with metadata, client_id, client_id_issued_at and a 256-bit secret (RFC 7591 §3.2.1)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await adminRequest('POST', '/clients', { ...base, client_name: 'Demo', scope: 'openid profile' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.client_id).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(body.client_id_issued_at).toBeGreaterThanOrEqual(before);
    expect(body.client_name).toBe('Demo');
    expect(body.redirect_uris).toEqual(base.redirect_uris);
    expect(body.token_endpoint_auth_method).toBe('client_secret_basic');
    expect(body.grant_types).toEqual(['authorization_code']);
    expect(body.response_types).toEqual(['code']);
    expect(body.client_secret_expires_at).toBe(0);
    expect(fromBase64url(body.client_secret as string).byteLength).toBeGreaterThanOrEqual(32);
    expect(body).not.toHaveProperty('client_secret_hash');
    expect(body).not.toHaveProperty('client_secret_sealed');
  });

  it('stores only the secret hash: no D1 column holds the secret (DESIGN.md: secrets never stored in clear)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_post' });
    const stored = (await row(reg.client_id))!;
    for (const value of Object.values(stored)) {
      if (typeof value === 'string') expect(value).not.toContain(reg.client_secret!);
    }
    expect(stored.client_secret_hash).toBe(await sha256b64(reg.client_secret!));
    expect(stored.client_secret_sealed).toBeNull();
  });

  it('stores a sealed secret for client_secret_jwt that is not the secret', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_jwt' });
    const stored = (await row(reg.client_id))!;
    expect(stored.client_secret_sealed).toMatch(/^v1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/);
    for (const value of Object.values(stored)) {
      if (typeof value === 'string') expect(value).not.toContain(reg.client_secret!);
    }
  });

  it.each([
    ['none', {}],
    ['private_key_jwt', { jwks: { keys: [] as unknown[] } }],
  ])('issues no secret for %s (RFC 7591 §3.2.1)', async (method, extra) => {
    const metadata: Record<string, unknown> = { token_endpoint_auth_method: method, ...extra };
    if (method === 'private_key_jwt') metadata.jwks = { keys: [(await clientKey('ES256')).publicJwk] };
    const reg = await registerClient(metadata);
    expect(reg).not.toHaveProperty('client_secret');
    expect((await row(reg.client_id))!.client_secret_hash).toBeNull();
  });

  it('refuses client_secret_jwt when CLIENT_SECRET_KEY is not configured, naming the field', async () => {
    const res = await appWith({ CLIENT_SECRET_KEY: '' })('/admin/clients', {
      method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ ...base, token_endpoint_auth_method: 'client_secret_jwt' }),
    });
    const body = await errorOf(res);
    expect(body).toMatchObject({ status: 400, error: 'invalid_client_metadata' });
    expect(body.error_description).toContain('token_endpoint_auth_method');
  });

  it('refuses a duplicate client_id without changing the first registration', async () => {
    const reg = await registerClient();
    const res = await adminRequest('POST', '/clients', { ...base, client_id: reg.client_id, client_name: 'Impostor' });
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_client_metadata' });
    expect((await row(reg.client_id))!.client_name).toBeNull();
  });

  it('refuses a non-JSON body and a wrong content type with invalid_request', async () => {
    const bad = await call('/admin/clients', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' }, body: '{' });
    expect(await errorOf(bad)).toMatchObject({ status: 400, error: 'invalid_request' });
    const form = await call('/admin/clients', { method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'text/plain' }, body: '{}' });
    expect(await errorOf(form)).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('lists clients in pages with limit and a next cursor', async () => {
    const prefix = unique('page');
    for (const suffix of ['a', 'b', 'c']) await registerClient({ client_id: `${prefix}-${suffix}` });
    const first = (await (await adminRequest('GET', `/clients?limit=2&after=${prefix}`)).json()) as { clients: { client_id: string }[]; next?: string };
    expect(first.clients.map((c) => c.client_id)).toEqual([`${prefix}-a`, `${prefix}-b`]);
    expect(first.next).toBe(`${prefix}-b`);
    expect(JSON.stringify(first)).not.toContain('client_secret_hash');
    const second = (await (await adminRequest('GET', `/clients?limit=2&after=${first.next}`)).json()) as { clients: { client_id: string }[] };
    expect(second.clients[0]!.client_id).toBe(`${prefix}-c`);
  });

  it.each(['0', '201', 'abc', '1.5'])('refuses limit=%s with invalid_request', async (limit) => {
    expect(await errorOf(await adminRequest('GET', `/clients?limit=${limit}`))).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('gets one client without secret material, and 404 for an unknown one', async () => {
    const reg = await registerClient({ client_name: 'One' });
    const res = await adminRequest('GET', `/clients/${reg.client_id}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.client_name).toBe('One');
    expect(body).not.toHaveProperty('client_secret');
    expect(body).not.toHaveProperty('client_secret_hash');
    expect(await errorOf(await adminRequest('GET', `/clients/${unique('ghost')}`))).toMatchObject({ status: 404, error: 'not_found' });
  });

  it('PUT replaces metadata, keeps the secret, and the change is seen through the cache at once (RFC 7592 §2.2)', async () => {
    const reg = await registerClient();
    expect((await parBasic(reg.client_id, reg.client_secret!, authzParams())).status).toBe(201);
    const put = await adminRequest('PUT', `/clients/${reg.client_id}`, { redirect_uris: ['https://rp.example/new'], scope: 'openid' });
    expect(put.status).toBe(200);
    const body = (await put.json()) as Record<string, unknown>;
    expect(body).not.toHaveProperty('client_secret');
    expect(body.redirect_uris).toEqual(['https://rp.example/new']);
    const old = await parBasic(reg.client_id, reg.client_secret!, authzParams({ scope: 'openid' }));
    expect(await errorOf(old)).toMatchObject({ status: 400, error: 'invalid_request' });
    expect((await parBasic(reg.client_id, reg.client_secret!, authzParams({ scope: 'openid', redirect_uri: 'https://rp.example/new' }))).status).toBe(201);
  });

  it('PUT to client_secret_jwt from basic issues a new secret (no recoverable one existed)', async () => {
    const reg = await registerClient();
    const put = await adminRequest('PUT', `/clients/${reg.client_id}`, { ...base, token_endpoint_auth_method: 'client_secret_jwt' });
    const body = (await put.json()) as { client_secret?: string };
    expect(put.status).toBe(200);
    expect(body.client_secret).toBeTypeOf('string');
    expect(body.client_secret).not.toBe(reg.client_secret);
  });

  it('PUT refuses changing client_id, and answers 404 for an unknown client', async () => {
    const reg = await registerClient();
    expect(await errorOf(await adminRequest('PUT', `/clients/${reg.client_id}`, { ...base, client_id: unique('other') }))).toMatchObject({ status: 400, error: 'invalid_client_metadata' });
    expect(await errorOf(await adminRequest('PUT', `/clients/${unique('ghost')}`, base))).toMatchObject({ status: 404, error: 'not_found' });
  });

  it('DELETE removes the client: PAR then fails with invalid_client, a second DELETE is 404', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'none' });
    expect((await parForm({ ...authzParams(), client_id: reg.client_id })).status).toBe(201);
    expect((await adminRequest('DELETE', `/clients/${reg.client_id}`)).status).toBe(204);
    expect(await row(reg.client_id)).toBeNull();
    expect(await errorOf(await parForm({ ...authzParams(), client_id: reg.client_id }))).toMatchObject({ status: 401, error: 'invalid_client' });
    expect((await adminRequest('DELETE', `/clients/${reg.client_id}`)).status).toBe(404);
  });

  it('marks admin responses Cache-Control: no-store', async () => {
    const res = await adminRequest('GET', '/clients?limit=1');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});
