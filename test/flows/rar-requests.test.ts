import { beforeAll, describe, expect, it } from 'vitest';
import { adminRequest, createUser, registerClient } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { newBrowser, visit } from '../helpers/interaction';
import { clientKey, requestObject } from '../helpers/jwt';
import { CHALLENGE, storedRequest } from '../helpers/par';
import { authorizeCapturingConsent, payment, postAs, rarSetup, type RarSetup } from '../helpers/rar';
import { call, ISSUER } from '../helpers/worker';

/** Rich Authorization Requests (RFC 9396) at PAR and /authorize: every rule of what a request may carry. */
let s: RarSetup;
beforeAll(async () => {
  s = await rarSetup();
});

const pay = (amount = '123.50', extra: Record<string, unknown> = {}) => ({ ...payment(amount, extra), type: s.types.payment });
const base = (): Array<[string, string]> => [
  ['response_type', 'code'], ['redirect_uri', 'https://rp.example/cb'], ['scope', 'openid'], ['code_challenge', CHALLENGE], ['code_challenge_method', 'S256'],
];

function push(details: unknown, extra: Array<[string, string]> = [], who: { client_id: string; client_secret?: string } = s.client): Promise<Response> {
  const value = typeof details === 'string' ? details : JSON.stringify(details);
  return postAs('/par', who, [...base(), ['authorization_details', value], ...extra]);
}

async function refusedAtPar(details: unknown, extra: Array<[string, string]> = []): Promise<string> {
  const body = await errorOf(await push(details, extra));
  expect(body.status).toBe(400);
  return body.error;
}

async function pushedRequest(res: Response) {
  expect(res.status).toBe(201);
  return (await storedRequest(((await res.json()) as { request_uri: string }).request_uri))!.request;
}

describe('the authorization_details parameter (RFC 9396 §2)', () => {
  it('refuses malformed JSON with invalid_authorization_details (RFC 9396 §5)', async () => {
    expect(await refusedAtPar('[{"type": ')).toBe('invalid_authorization_details');
  });

  it('refuses a value that is not an array with invalid_authorization_details (RFC 9396 §2)', async () => {
    expect(await refusedAtPar(pay())).toBe('invalid_authorization_details');
  });

  it('refuses an empty array with invalid_authorization_details (RFC 9396 §2)', async () => {
    expect(await refusedAtPar([])).toBe('invalid_authorization_details');
  });

  it('refuses an object without a string type with invalid_authorization_details (RFC 9396 §2)', async () => {
    const { type: _type, ...untyped } = pay();
    expect(await refusedAtPar([untyped])).toBe('invalid_authorization_details');
    expect(await refusedAtPar([{ ...pay(), type: 7 }])).toBe('invalid_authorization_details');
  });

  it('refuses more than 16 objects with invalid_authorization_details (RFC 9396 §5, bounded)', async () => {
    expect(await refusedAtPar(Array.from({ length: 17 }, () => ({ type: s.types.account })))).toBe('invalid_authorization_details');
  });

  it('refuses an unknown type with invalid_authorization_details (RFC 9396 §5)', async () => {
    expect(await refusedAtPar([{ type: 'no_such_type' }])).toBe('invalid_authorization_details');
  });

  it('refuses an object its type\'s schema rejects with invalid_authorization_details (RFC 9396 §5)', async () => {
    expect(await refusedAtPar([pay('12.345')])).toBe('invalid_authorization_details');
    expect(await refusedAtPar([{ ...pay(), instructedAmount: { currency: 'EUR', amount: 12 } }])).toBe('invalid_authorization_details');
  });

  it('refuses a member the schema does not allow under additionalProperties: false (DESIGN.md contract 5, RFC 9396 §5)', async () => {
    const body = await errorOf(await push([pay('10.00', { surprise_member: true })]));
    expect({ status: body.status, error: body.error }).toEqual({ status: 400, error: 'invalid_authorization_details' });
    expect(body.error_description).toContain('#/additionalProperties');
    expect(body.error_description).not.toContain('surprise_member');
    expect(await refusedAtPar([pay('10.00', { instructedAmount: { currency: 'EUR', amount: '1', fee: '0' } })])).toBe('invalid_authorization_details');
  });

  it('refuses a type the client did not register in authorization_details_types with invalid_authorization_details (RFC 9396 §10)', async () => {
    const other = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', authorization_details_types: [s.types.account] });
    const body = await errorOf(await push([pay()], [], other));
    expect({ status: body.status, error: body.error }).toEqual({ status: 400, error: 'invalid_authorization_details' });
    const none = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    expect((await errorOf(await push([{ type: s.types.account }], [], none))).error).toBe('invalid_authorization_details');
  });

  it('stores valid details with their API, which becomes the resource when none is named (DESIGN.md contract 5, RFC 9396 §9)', async () => {
    const request = await pushedRequest(await push([pay(), { type: s.types.account, actions: ['read'] }]));
    expect(JSON.parse(request.authorization_details!)).toEqual([pay(), { type: s.types.account, actions: ['read'] }]);
    expect(request.resource).toBe(s.payments.identifier);
    expect(request.authorization_details_resources).toEqual([s.payments.identifier, s.payments.identifier]);
  });
});

describe('authorization_details and resource (DESIGN.md contract 5, RFC 9396 §9, RFC 8707 §2)', () => {
  it('accepts a type of the named resource (DESIGN.md contract 5)', async () => {
    const request = await pushedRequest(await push([pay()], [['resource', s.payments.identifier]]));
    expect(request.resource).toBe(s.payments.identifier);
    expect(request.authorization_details_resources).toEqual([s.payments.identifier]);
  });

  it('refuses a type that belongs to another API than the named resource with invalid_authorization_details (DESIGN.md contract 5)', async () => {
    expect(await refusedAtPar([pay()], [['resource', s.crm.identifier]])).toBe('invalid_authorization_details');
  });

  it('refuses types of two APIs without resource with invalid_authorization_details: a token has one audience (RFC 8707 §2.2)', async () => {
    expect(await refusedAtPar([pay(), { type: s.types.customer }])).toBe('invalid_authorization_details');
  });

  it('accepts types of two APIs when both are named as resources, each detail recorded with its own API (RFC 8707 §2)', async () => {
    const request = await pushedRequest(await push([pay(), { type: s.types.customer }], [['resource', s.payments.identifier], ['resource', s.crm.identifier]]));
    expect(request.authorization_details_resources).toEqual([s.payments.identifier, s.crm.identifier]);
  });
});

describe('authorization_details in a request object (RFC 9396 §3)', () => {
  async function keyedClient() {
    const key = await clientKey('ES256');
    const client = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', jwks: { keys: [key.publicJwk] }, authorization_details_types: [s.types.payment] });
    return { key, client };
  }

  it('accepts authorization_details as a JSON array claim of a signed request object at PAR (RFC 9396 §3, RFC 9101 §4)', async () => {
    const { key, client } = await keyedClient();
    const claims = { ...Object.fromEntries(base()), authorization_details: [pay()] };
    const request = await pushedRequest(await postAs('/par', client, [['request', await requestObject(client.client_id, key, claims)]]));
    expect(JSON.parse(request.authorization_details!)).toEqual([pay()]);
  });

  it('refuses authorization_details given as a string inside a request object with invalid_authorization_details (RFC 9396 §3)', async () => {
    const { key, client } = await keyedClient();
    const claims = { ...Object.fromEntries(base()), authorization_details: JSON.stringify([pay()]) };
    const body = await errorOf(await postAs('/par', client, [['request', await requestObject(client.client_id, key, claims)]]));
    expect({ status: body.status, error: body.error }).toEqual({ status: 400, error: 'invalid_authorization_details' });
  });
});

describe('authorization_details at /authorize by value (RFC 9396 §3)', () => {
  function authorizeUrl(details: unknown): URL {
    const url = new URL('/authorize', ISSUER);
    const params: Array<[string, string]> = [...base(), ['client_id', s.client.client_id], ['state', 'st-rar']];
    for (const [k, v] of params) url.searchParams.set(k, v);
    url.searchParams.set('authorization_details', JSON.stringify(details));
    return url;
  }

  it('accepts valid details in a plain request: the consent page shows them and a code is issued (RFC 9396 §3)', async () => {
    const { consent, callback } = await authorizeCapturingConsent(authorizeUrl([pay('42.00')]), await createUser());
    expect(consent).toContain('<dt>Amount › Sum</dt><dd>42.00</dd>');
    expect(callback.params.get('error')).toBeNull();
    expect(callback.params.get('code')).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
  });

  it('redirects invalid_authorization_details to the validated redirect_uri with state (RFC 9396 §5, RFC 6749 §4.1.2.1)', async () => {
    const res = await visit(newBrowser(), authorizeUrl([{ type: 'no_such_type_reflected' }]));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    // The client's text is never echoed into its error page (RFC 6749 §4.1.2.1: descriptions name, never quote).
    expect(location.searchParams.get('error_description')).not.toContain('reflected');
    expect(location.origin + location.pathname).toBe('https://rp.example/cb');
    expect(location.searchParams.get('error')).toBe('invalid_authorization_details');
    expect(location.searchParams.get('state')).toBe('st-rar');
  });
});

describe('registering authorization details types (RFC 9396 §10, DESIGN.md contract 5)', () => {
  async function registerWithSchema(schema: Record<string, unknown>) {
    return adminRequest('POST', '/apis', { identifier: `https://${crypto.randomUUID()}.api.example/`, name: 'Broken', authorization_details_types: { broken: schema } });
  }

  it('refuses a schema whose $ref points outside it with invalid_request naming the type (DESIGN.md contract 5)', async () => {
    const body = await errorOf(await registerWithSchema({ type: 'object', properties: { a: { $ref: 'https://elsewhere.example/schema.json' } } }));
    expect(body).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(body.error_description).toMatch(/^authorization_details_types\.broken: /);
  });

  it('refuses a schema with an invalid pattern with invalid_request naming the type (DESIGN.md contract 5)', async () => {
    const body = await errorOf(await registerWithSchema({ type: 'object', properties: { a: { type: 'string', pattern: '([' } } }));
    expect(body).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(body.error_description).toMatch(/^authorization_details_types\.broken: /);
  });

  it('accepts a schema with local $defs references (JSON Schema 2020-12 §8.2.4)', async () => {
    const res = await registerWithSchema({ type: 'object', $defs: { amount: { type: 'string' } }, properties: { a: { $ref: '#/$defs/amount' } } });
    expect(res.status).toBe(201);
  });

  it('stores the client metadata authorization_details_types and refuses a non-array with invalid_client_metadata (RFC 9396 §10)', async () => {
    expect(s.client.authorization_details_types).toEqual(Object.values(s.types));
    const res = await adminRequest('POST', '/clients', { redirect_uris: ['https://rp.example/cb'], authorization_details_types: 'payment_initiation' });
    expect((await errorOf(res))).toMatchObject({ status: 400, error: 'invalid_client_metadata' });
  });

  it('advertises every registered type in authorization_details_types_supported (RFC 9396 §10)', async () => {
    const meta = (await (await call('/.well-known/openid-configuration')).json()) as { authorization_details_types_supported: string[] };
    expect(meta.authorization_details_types_supported).toEqual(expect.arrayContaining(Object.values(s.types)));
  });
});
