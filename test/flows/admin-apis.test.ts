import { describe, expect, it } from 'vitest';
import { adminRequest } from '../helpers/admin';
import { registerApi } from '../helpers/apis';
import { basic, call, unique } from '../helpers/worker';

const path = (identifier: string) => `/apis/${encodeURIComponent(identifier)}`;
const valid = () => ({ identifier: `https://${unique('crud')}.api.example/v1`, name: 'Orders', scopes: [{ name: 'crud:read', description: 'Read orders' }] });

async function refusal(body: unknown): Promise<{ status: number; error: string; error_description: string }> {
  const res = await adminRequest('POST', '/apis', body);
  return { status: res.status, ...(await res.json<{ error: string; error_description: string }>()) };
}

describe('admin API for APIs (DESIGN.md contract 5)', () => {
  it('creates an API with its introspection credentials shown once, then reads, lists, replaces and deletes it', async () => {
    const input = { ...valid(), access_token_lifetime: 300, authorization_details_types: { payment: { type: 'object', properties: {} } } };
    const created = await adminRequest('POST', '/apis', input);
    expect(created.status).toBe(201);
    const api = await created.json<Record<string, unknown>>();
    expect(api).toMatchObject({ ...input, allow_refresh: true });
    expect(api.client_id).toMatch(/^api-/);
    expect(typeof api.client_secret).toBe('string');

    const read = await (await adminRequest('GET', path(input.identifier))).json<Record<string, unknown>>();
    expect(read).toMatchObject(input);
    expect(read.client_secret).toBeUndefined();
    const list = await (await adminRequest('GET', '/apis?limit=200')).json<{ apis: Array<{ identifier: string }> }>();
    expect(list.apis.map((a) => a.identifier)).toContain(input.identifier);

    const replaced = await adminRequest('PUT', path(input.identifier), { name: 'Orders v2', scopes: [{ name: 'crud:write', description: 'Change orders' }], allow_refresh: false });
    expect(replaced.status).toBe(200);
    expect(await replaced.json()).toMatchObject({ identifier: input.identifier, name: 'Orders v2', allow_refresh: false, client_id: api.client_id });

    expect((await adminRequest('DELETE', path(input.identifier))).status).toBe(204);
    expect((await adminRequest('GET', path(input.identifier))).status).toBe(404);
    expect((await adminRequest('DELETE', path(input.identifier))).status).toBe(404);
  });

  it('removes the introspection credentials with the API (RFC 7662 §2.1)', async () => {
    const api = await registerApi('gone');
    const introspect = () => call('/introspect', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(api.client_id, api.client_secret) },
      body: 'token=x',
    });
    expect((await introspect()).status).toBe(200);
    expect((await adminRequest('DELETE', path(api.identifier))).status).toBe(204);
    expect((await introspect()).status).toBe(401);
  });

  it('refuses a second API with the same identifier, naming the field', async () => {
    const body = valid();
    expect((await adminRequest('POST', '/apis', body)).status).toBe(201);
    expect(await refusal(body)).toMatchObject({ status: 400, error: 'invalid_request', error_description: expect.stringMatching(/^identifier: /) });
  });

  it.each([
    ['identifier', { identifier: '/relative' }],
    ['identifier', { identifier: 'https://api.example/#frag' }],
    ['name', { name: '' }],
    ['scopes[0].name', { scopes: [{ name: 'two words', description: 'x' }] }],
    ['scopes[0].name', { scopes: [{ name: 'openid', description: 'x' }] }],
    ['scopes[1].name', { scopes: [{ name: 'a', description: 'x' }, { name: 'a', description: 'y' }] }],
    ['scopes[0].description', { scopes: [{ name: 'a' }] }],
    ['access_token_lifetime', { access_token_lifetime: 5 }],
    ['access_token_signing_alg', { access_token_signing_alg: 'none' }],
    ['allow_refresh', { allow_refresh: 'yes' }],
    ['authorization_details_types.pay', { authorization_details_types: { pay: { type: 'string' } } }],
    ['colour', { colour: 'red' }],
  ])('refuses an invalid %s with 400 invalid_request naming it (RFC 8707 §2, DESIGN.md contract 5)', async (field, change) => {
    const result = await refusal({ ...valid(), ...change });
    expect(result.status).toBe(400);
    expect(result.error).toBe('invalid_request');
    expect(result.error_description.startsWith(`${field}: `)).toBe(true);
  });

  it('refuses a changed identifier on replace, naming the field', async () => {
    const api = await registerApi('fixed');
    const res = await adminRequest('PUT', path(api.identifier), { ...valid(), identifier: 'https://other.api.example/' });
    expect(res.status).toBe(400);
    expect((await res.json<{ error_description: string }>()).error_description).toMatch(/^identifier: /);
  });
});
