import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { authzParams, parBasic, storedRequest } from '../helpers/par';
import { call, form } from '../helpers/worker';
import { handleOf, listPushedRequests } from '../helpers/storage-keys';

/** What a successful push stores and answers (RFC 9126 §2.2, DESIGN.md platform map). */
describe('PAR storage', () => {
  async function push(metadata: Record<string, unknown>, extra: Record<string, string> = {}) {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', ...metadata });
    const res = await parBasic(reg.client_id, reg.client_secret!, authzParams(extra));
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return { reg, body: (await res.json()) as { request_uri: string; expires_in: number } };
  }

  it('keeps state and nonce byte for byte (RFC 6749 §4.1.2, OIDC Core §3.1.2.1)', async () => {
    const state = ' a+b%20c/=?&é😀 \t<script>"\'';
    const nonce = 'n=1&n=2 %00 ﬁ';
    const { reg, body } = await push({}, { state, nonce });
    const stored = await storedRequest(body.request_uri);
    expect(stored?.request.state).toBe(state);
    expect(stored?.request.nonce).toBe(nonce);
    expect(stored?.client_id).toBe(reg.client_id);
  });

  it('stores only understood parameters, never client credentials (RFC 9126 §2.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_post' });
    const res = await call('/par', form({ ...authzParams({ unknown_param: 'x' }), client_id: reg.client_id, client_secret: reg.client_secret! }));
    expect(res.status).toBe(201);
    const stored = await storedRequest(((await res.json()) as { request_uri: string }).request_uri);
    expect(JSON.stringify(stored)).not.toContain(reg.client_secret!);
    expect(stored?.request).not.toHaveProperty('unknown_param');
    expect(stored?.request).not.toHaveProperty('client_secret');
  });

  it('answers expires_in 60 by default (RFC 9126 §2.2, PAR_LIFETIME default)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { body } = await push({});
    expect(body.expires_in).toBe(60);
    const stored = await storedRequest(body.request_uri);
    expect(stored!.expires_at).toBeGreaterThanOrEqual(before + 60);
    expect(stored!.expires_at).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 60);
  });

  it('uses the client\'s par_lifetime (Janssen par_lifetime)', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { body } = await push({ par_lifetime: 17 });
    expect(body.expires_in).toBe(17);
    const stored = await storedRequest(body.request_uri);
    expect(stored!.expires_at - before).toBeGreaterThanOrEqual(17);
    expect(stored!.expires_at - before).toBeLessThanOrEqual(18);
  });

  it('stores with a KV TTL of at least 60 s even for shorter lifetimes (KV minimum TTL)', async () => {
    const { body } = await push({ par_lifetime: 10 });
    const keys = await listPushedRequests(handleOf(body.request_uri));
    expect(keys).toHaveLength(1);
    const now = Math.floor(Date.now() / 1000);
    expect(keys[0]!.expiration).toBeGreaterThanOrEqual(now + 58);
    expect(keys[0]!.expiration).toBeLessThanOrEqual(now + 61);
  });

  it('stores with a KV TTL equal to a lifetime above 60 s', async () => {
    const { body } = await push({ par_lifetime: 300 });
    expect(body.expires_in).toBe(300);
    const keys = await listPushedRequests(handleOf(body.request_uri));
    const now = Math.floor(Date.now() / 1000);
    expect(keys[0]!.expiration).toBeGreaterThanOrEqual(now + 298);
    expect(keys[0]!.expiration).toBeLessThanOrEqual(now + 301);
  });

  it('issues a different 256-bit request_uri on every push (RFC 9126 §2.2, §7.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const uris = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const res = await parBasic(reg.client_id, reg.client_secret!, authzParams());
      uris.add(((await res.json()) as { request_uri: string }).request_uri);
    }
    expect(uris.size).toBe(3);
    for (const uri of uris) expect(uri).toMatch(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
  });
});
