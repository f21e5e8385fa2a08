import { describe, expect, it } from 'vitest';
import { authenticateClient, extractCredentials, JWT_BEARER } from '../../src/oauth/client-auth';
import { OAuthError } from '../../src/oauth/errors';
import { getServices } from '../../src/storage/services';
import { adminRequest, registerClient } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { clientAssertion } from '../helpers/jwt';
import { announceSecret } from '../helpers/secrets';
import { ADMIN_TOKEN, basic, call, form, testEnv } from '../helpers/worker';

/**
 * Client registrations run by an operator (issue 13): PATCH as a JSON Merge
 * Patch (RFC 7396) over the stored RFC 7591 metadata, validated as PUT is
 * (RFC 7592 §2.2), and secret rotation in which the old secret keeps working
 * until the overlap ends.
 */
const patch = (id: string, body: unknown, type = 'application/merge-patch+json') =>
  call(`/admin/clients/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': type }, body: JSON.stringify(body) });

async function rotate(id: string, body?: unknown): Promise<{ client_secret: string; client_secret_expires_at: number; previous_secret_expires_at?: number }> {
  const res = await adminRequest('POST', `/clients/${id}/secret`, body);
  expect(res.status).toBe(200);
  const rotated = await res.json<{ client_secret: string; client_secret_expires_at: number; previous_secret_expires_at?: number }>();
  announceSecret(rotated.client_secret);
  return rotated;
}

/** Whether /revoke accepts the client's Basic credentials (RFC 7009 §2.1: an unknown token is still 200 once the client is authenticated). */
async function basicWorks(id: string, secret: string): Promise<boolean> {
  const init = form({ token: 'not-a-token' });
  const res = await call('/revoke', { ...init, headers: { ...(init.headers as Record<string, string>), authorization: basic(id, secret) } });
  if (res.status !== 200) expect(await errorOf(res)).toMatchObject({ status: 401, error: 'invalid_client' });
  return res.status === 200;
}

/** Whether client authentication with `secret` passes at `now` (the services clock moved, as the refresh-token tests do). */
async function passesAt(id: string, secret: string, now: number, method: 'basic' | 'jwt' = 'basic'): Promise<boolean> {
  const services = getServices(testEnv);
  const creds = method === 'basic'
    ? extractCredentials(basic(id, secret), new Map())
    : extractCredentials(undefined, new Map([['client_assertion_type', JWT_BEARER], ['client_assertion', await clientAssertion(id, new TextEncoder().encode(secret), { exp: now + 60 })]]));
  try {
    await authenticateClient(creds, { ...services, now: () => now, requestId: 'test' });
    return true;
  } catch (error) {
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).code).toBe('invalid_client');
    return false;
  }
}

describe('PATCH /admin/clients/{id}: JSON Merge Patch (RFC 7396) of RFC 7591 metadata', () => {
  it('changes named members, removes null ones, keeps the rest and the secret (RFC 7396 §2, RFC 7592 §2.2)', async () => {
    const reg = await registerClient({ client_name: 'Before', client_uri: 'https://rp.example/about', token_endpoint_auth_method: 'client_secret_basic' });
    const res = await patch(reg.client_id, { client_name: 'After', client_uri: null, redirect_uris: ['https://rp.example/cb2'] });
    expect(res.status).toBe(200);
    const body = await res.json<Record<string, unknown>>();
    expect(body).toMatchObject({ client_id: reg.client_id, client_name: 'After', redirect_uris: ['https://rp.example/cb2'], scope: 'openid profile email offline_access' });
    expect(body).not.toHaveProperty('client_uri');
    expect(body).not.toHaveProperty('client_secret');
    expect(await basicWorks(reg.client_id, reg.client_secret!)).toBe(true);
  });

  it('validates the merged metadata as PUT does and changes nothing when refused (RFC 7591 §3.2.2)', async () => {
    const reg = await registerClient({ client_name: 'Kept' });
    expect(await errorOf(await patch(reg.client_id, { redirect_uris: ['http://evil.example/cb'] }))).toMatchObject({ status: 400, error: 'invalid_redirect_uri' });
    expect(await errorOf(await patch(reg.client_id, { token_endpoint_auth_method: 'magic' }))).toMatchObject({ status: 400, error: 'invalid_client_metadata' });
    expect(await errorOf(await patch(reg.client_id, { client_id: 'other' }))).toMatchObject({ status: 400, error: 'invalid_client_metadata' });
    expect(await errorOf(await patch(reg.client_id, ['not', 'an', 'object']))).toMatchObject({ status: 400, error: 'invalid_request' });
    const stored = await (await adminRequest('GET', `/clients/${reg.client_id}`)).json<Record<string, unknown>>();
    expect(stored).toMatchObject({ client_name: 'Kept', redirect_uris: ['https://rp.example/cb'] });
    expect(await errorOf(await patch('no-such-client', { client_name: 'x' }))).toMatchObject({ status: 404, error: 'not_found' });
  });
});

describe('POST /admin/clients/{id}/secret: rotation with an overlap (issue 13)', () => {
  it('old and new secrets both work during the overlap; after it only the new one (RFC 6749 §2.3.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const now = getServices(testEnv).now();
    const rotated = await rotate(reg.client_id, { overlap_seconds: 60 });
    expect(rotated.client_secret).not.toBe(reg.client_secret);
    expect(rotated.client_secret_expires_at).toBe(0);
    expect(rotated.previous_secret_expires_at! - now).toBeGreaterThanOrEqual(60);
    expect(rotated.previous_secret_expires_at! - now).toBeLessThanOrEqual(61);
    expect(await basicWorks(reg.client_id, reg.client_secret!)).toBe(true);
    expect(await basicWorks(reg.client_id, rotated.client_secret)).toBe(true);
    const shown = await (await adminRequest('GET', `/clients/${reg.client_id}`)).json<Record<string, unknown>>();
    expect(shown).toMatchObject({ client_secret_expires_at: 0, previous_secret_expires_at: rotated.previous_secret_expires_at });
    expect(JSON.stringify(shown)).not.toMatch(/secret_hash|secret_sealed/);
    const after = rotated.previous_secret_expires_at!;
    expect(await passesAt(reg.client_id, reg.client_secret!, after - 1)).toBe(true);
    expect(await passesAt(reg.client_id, reg.client_secret!, after)).toBe(false);
    expect(await passesAt(reg.client_id, rotated.client_secret, after)).toBe(true);
  });

  it('overlap_seconds 0 retires the old secret at once', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const rotated = await rotate(reg.client_id, { overlap_seconds: 0 });
    expect(rotated).not.toHaveProperty('previous_secret_expires_at');
    expect(await basicWorks(reg.client_id, reg.client_secret!)).toBe(false);
    expect(await basicWorks(reg.client_id, rotated.client_secret)).toBe(true);
    const shown = await (await adminRequest('GET', `/clients/${reg.client_id}`)).json<Record<string, unknown>>();
    expect(shown).not.toHaveProperty('previous_secret_expires_at');
  });

  it('client_secret_jwt: assertions signed with the old or the new secret verify during the overlap, only the new after (RFC 7523 §2.2)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_jwt' });
    const rotated = await rotate(reg.client_id, { overlap_seconds: 120 });
    const within = rotated.previous_secret_expires_at! - 60;
    expect(await passesAt(reg.client_id, reg.client_secret!, within, 'jwt')).toBe(true);
    expect(await passesAt(reg.client_id, rotated.client_secret, within, 'jwt')).toBe(true);
    expect(await passesAt(reg.client_id, reg.client_secret!, rotated.previous_secret_expires_at!, 'jwt')).toBe(false);
    expect(await passesAt(reg.client_id, rotated.client_secret, rotated.previous_secret_expires_at!, 'jwt')).toBe(true);
  });

  it('a second rotation ends the first overlap: at most two secrets work, and a PUT keeps the overlap', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const second = await rotate(reg.client_id, { overlap_seconds: 600 });
    expect((await adminRequest('PUT', `/clients/${reg.client_id}`, { redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'client_secret_basic' })).status).toBe(200);
    expect(await basicWorks(reg.client_id, reg.client_secret!)).toBe(true);
    const third = await rotate(reg.client_id);
    expect(await basicWorks(reg.client_id, reg.client_secret!)).toBe(false);
    expect(await basicWorks(reg.client_id, second.client_secret)).toBe(true);
    expect(await basicWorks(reg.client_id, third.client_secret)).toBe(true);
  });

  it('refuses an overlap out of bounds, a client without a secret, and an unknown client', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    for (const overlap_seconds of [-1, 2_592_001, 1.5, '60']) {
      expect(await errorOf(await adminRequest('POST', `/clients/${reg.client_id}/secret`, { overlap_seconds }))).toMatchObject({ status: 400, error: 'invalid_request' });
    }
    const pub = await registerClient({ token_endpoint_auth_method: 'none' });
    expect(await errorOf(await adminRequest('POST', `/clients/${pub.client_id}/secret`))).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(await errorOf(await adminRequest('POST', '/clients/no-such-client/secret'))).toMatchObject({ status: 404, error: 'not_found' });
    expect(await basicWorks(reg.client_id, reg.client_secret!)).toBe(true);
  });
});
