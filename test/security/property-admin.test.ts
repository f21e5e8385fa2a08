import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { authorization, fuzzRuns, junkJson, METHODS, queryString, value } from '../helpers/arbitraries';
import { checkJson, DescriptionLog, send, type Sent } from '../helpers/arbitraries-checks';
import { ADMIN_TOKEN, testEnv } from '../helpers/worker';

/** RFC 7591 §3.2.2 codes, invalid_request for the rest, invalid_token for the admin bearer (RFC 6750 §3.1). */
const ADMIN_ERRORS = ['invalid_request', 'invalid_client_metadata', 'invalid_redirect_uri', 'invalid_token'];
const BEARER = `Bearer ${ADMIN_TOKEN}`;

let existing: { client_id: string };

beforeAll(async () => {
  existing = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', client_name: 'fixed' });
});

/** Client metadata with each member absent, right, or of a wrong type (RFC 7591 §2). */
const metadata = fc.record(
  {
    client_id: fc.oneof(fc.constant(undefined), value, fc.constant(1)),
    redirect_uris: fc.oneof(fc.constant(['https://rp.example/cb']), fc.array(value, { maxLength: 3 }), fc.jsonValue({ maxDepth: 2 }), fc.constant(Array.from({ length: 5000 }, () => 'https://rp.example/cb'))),
    token_endpoint_auth_method: fc.oneof(fc.constantFrom('client_secret_basic', 'private_key_jwt', 'none', 'client_secret_jwt', 'tls_client_auth'), fc.jsonValue({ maxDepth: 1 })),
    grant_types: fc.oneof(fc.constantFrom(['authorization_code'], ['refresh_token'], ['client_credentials'], ['implicit'], []), fc.jsonValue({ maxDepth: 2 })),
    response_types: fc.oneof(fc.constantFrom(['code'], ['token'], []), fc.jsonValue({ maxDepth: 2 })),
    scope: fc.oneof(fc.constantFrom('openid', 'openid  profile', ''), value, fc.constant(7)),
    jwks: fc.oneof(fc.constant({ keys: [{ kty: 'EC', crv: 'P-256', x: 'x', y: 'y' }] }), fc.constant({ keys: [{ kty: 'oct', k: 'AA' }] }), fc.constant({ keys: [null] }), fc.jsonValue({ maxDepth: 3 })),
    jwks_uri: fc.oneof(fc.constantFrom('https://rp.example/jwks', 'http://rp.example/jwks', 'file:///etc/passwd'), value),
    par_lifetime: fc.oneof(fc.integer(), fc.double(), fc.constantFrom('60', null, 1e308)),
    require_pushed_authorization_requests: fc.oneof(fc.boolean(), fc.constantFrom('true', 1)),
    client_name: fc.oneof(value, fc.constant({})),
    contacts: fc.oneof(fc.array(value, { maxLength: 3 }), fc.constant('a@b')),
    post_logout_redirect_uris: fc.oneof(fc.array(value, { maxLength: 2 }), fc.constant(1)),
    authorization_encrypted_response_alg: fc.oneof(fc.constantFrom('RSA-OAEP-256', 'ECDH-ES'), value),
    id_token_signed_response_alg: fc.oneof(fc.constantFrom('RS256', 'none', 'HS256'), value),
    client_profile: fc.oneof(fc.constantFrom('default', 'fapi2'), value),
    __proto__: fc.constant({ polluted: true }),
  },
  { requiredKeys: [] },
).map((m) => JSON.stringify(m));

const userBody = fc.record(
  {
    username: fc.oneof(value, fc.constant(1), fc.uuid().map((u) => `fz-${u}`)),
    password: fc.oneof(value, fc.constant(['x'])),
    claims: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant({ sub: 'x' }), fc.constant({ email: 'a@b' }), fc.constant({ __proto__: { admin: true } })),
  },
  { requiredKeys: [] },
).map((m) => JSON.stringify(m));

const JSON_TYPES = ['application/json', 'application/json; charset=utf-8', 'APPLICATION/JSON', 'text/json', 'application/x-www-form-urlencoded', ''];

async function count(table: 'clients' | 'users'): Promise<number> {
  return (await testEnv.DB.prepare(`SELECT COUNT(*) AS n FROM ${table}`).first<{ n: number }>())!.n;
}

async function row(client_id: string): Promise<string> {
  return JSON.stringify(await testEnv.DB.prepare('SELECT * FROM clients WHERE client_id = ?').bind(client_id).first());
}

describe('admin API under bad input (DESIGN.md contract 3; issue 4)', () => {
  it('never answers 5xx, refuses with RFC 7591 errors, and a refused write changes no row', async () => {
    const log = new DescriptionLog();
    const { seed, numRuns } = fuzzRuns(60);
    const request = fc.record({
      target: fc.constantFrom('POST /clients', 'PUT /clients/:id', 'POST /users', 'GET /clients'),
      method: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      body: fc.oneof({ weight: 3, arbitrary: metadata }, { weight: 2, arbitrary: userBody }, { weight: 2, arbitrary: junkJson }),
      contentType: fc.oneof({ weight: 6, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.constantFrom(...JSON_TYPES) }),
      auth: fc.oneof({ weight: 8, arbitrary: fc.constant(BEARER) }, { weight: 1, arbitrary: authorization }),
      query: fc.oneof(fc.constant(''), queryString, fc.constantFrom('limit=0', 'limit=201', 'limit=1e2', 'limit=-1', 'limit=NaN', 'limit=50&limit=1', 'after=%00', 'after=' + 'z'.repeat(5000))),
    });
    await fc.assert(
      fc.asyncProperty(request, async (gen) => {
        const [defaultMethod, route] = gen.target.split(' ') as [string, string];
        // DELETE of the fixed client would succeed and end the run's PUT coverage; PATCH is as wrong a method.
        const method = gen.method === 'DELETE' && route.includes(':id') ? 'PATCH' : (gen.method ?? defaultMethod);
        const path = `/admin${route.replace(':id', existing.client_id)}${gen.target === 'GET /clients' ? `?${gen.query}` : ''}`;
        const sent: Sent = { method, path, headers: { authorization: gen.auth, 'content-type': gen.contentType }, body: gen.body };
        const table = route.startsWith('/users') ? 'users' : 'clients';
        const [rowsBefore, existingBefore] = await Promise.all([count(table), row(existing.client_id)]);
        const { status } = await checkJson(await send(sent), sent, { errors: ADMIN_ERRORS, ok: [200, 201, 204], log });
        if (status >= 400) {
          // Invariant 4. Other files register clients concurrently, so the count may only grow by their writes:
          // the row this request could have touched is checked exactly, the count loosely.
          expect(await row(existing.client_id), `refused ${method} ${path} changed the client`).toBe(existingBefore);
          if (method === 'POST') {
            const parsed = (() => { try { return JSON.parse(gen.body); } catch { return null; } })();
            const id = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).client_id : undefined;
            const name = parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>).username : undefined;
            if (typeof id === 'string' && table === 'clients' && id !== existing.client_id) expect(await row(id)).toBe('null');
            if (typeof name === 'string' && name.startsWith('fz-')) {
              expect((await testEnv.DB.prepare('SELECT COUNT(*) AS n FROM users WHERE username = ?').bind(name).first<{ n: number }>())!.n).toBe(0);
            }
          }
          expect(await count(table)).toBeGreaterThanOrEqual(rowsBefore);
        }
      }),
      { seed, numRuns },
    );
    console.log(log.summary('/admin'));
    expect(log.bad).toEqual([]);
  }, fuzzRuns(60).timeout);
});
