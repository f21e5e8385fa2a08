import { describe, expect, it } from 'vitest';
import { extractCredentials, JWT_BEARER } from '../../src/oauth/client-auth';
import { OAuthError } from '../../src/oauth/errors';

/** Which single client authentication method a request used (RFC 6749 §2.3, RFC 7523 §2.2). */
describe('extractCredentials', () => {
  const b64 = (s: string) => btoa(s);
  const jwt = (header: object, payload: object) => {
    const enc = (o: object) => btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    return `${enc(header)}.${enc(payload)}.sig`;
  };
  const form = (o: Record<string, string>) => new Map(Object.entries(o));

  it.each([
    ['Basic', `Basic ${b64('c1:s3cret')}`, {}, { method: 'client_secret_basic', client_id: 'c1', secret: 's3cret', basic: true }],
    ['lower-case basic scheme', `basic ${b64('c1:s')}`, {}, { method: 'client_secret_basic', client_id: 'c1', secret: 's', basic: true }],
    ['Basic with form-encoded special characters (RFC 6749 §2.3.1)', `Basic ${b64('a+b%3Ac%25:p%3Aw+d%2B')}`, {}, { method: 'client_secret_basic', client_id: 'a b:c%', secret: 'p:w d+', basic: true }],
    ['Basic with a colon in the secret', `Basic ${b64('c1:a:b')}`, {}, { method: 'client_secret_basic', client_id: 'c1', secret: 'a:b', basic: true }],
    ['Basic with the same body client_id', `Basic ${b64('c1:s')}`, { client_id: 'c1' }, { method: 'client_secret_basic', client_id: 'c1', secret: 's', basic: true }],
    ['client_secret_post', undefined, { client_id: 'c1', client_secret: 's' }, { method: 'client_secret_post', client_id: 'c1', secret: 's', basic: false }],
    ['none', undefined, { client_id: 'c1' }, { method: 'none', client_id: 'c1', basic: false }],
  ] as const)('reads %s', (_label, header, body, expected) => {
    expect(extractCredentials(header, form(body))).toEqual(expected);
  });

  it('reads private_key_jwt from an asymmetric assertion, client_id from sub', () => {
    const assertion = jwt({ alg: 'ES256' }, { sub: 'c1', iss: 'c1' });
    expect(extractCredentials(undefined, form({ client_assertion_type: JWT_BEARER, client_assertion: assertion }))).toEqual({ method: 'private_key_jwt', client_id: 'c1', assertion, basic: false });
  });

  it('reads client_secret_jwt from an HS assertion', () => {
    const assertion = jwt({ alg: 'HS256' }, { sub: 'c1' });
    expect(extractCredentials(undefined, form({ client_assertion_type: JWT_BEARER, client_assertion: assertion })).method).toBe('client_secret_jwt');
  });

  it.each([
    ['two methods: Basic and client_secret', `Basic ${b64('c1:s')}`, { client_id: 'c1', client_secret: 's' }],
    ['two methods: Basic and assertion', `Basic ${b64('c1:s')}`, { client_assertion_type: JWT_BEARER, client_assertion: 'a.b.c' }],
    ['two methods: secret and assertion', undefined, { client_id: 'c1', client_secret: 's', client_assertion_type: JWT_BEARER, client_assertion: 'a.b.c' }],
    ['Basic id different from body client_id', `Basic ${b64('c1:s')}`, { client_id: 'c2' }],
    ['Basic without a colon', `Basic ${b64('c1')}`, {}],
    ['Basic not base64', 'Basic ***', {}],
    ['Basic with a broken percent escape', `Basic ${b64('c%ZZ:s')}`, {}],
    ['Bearer scheme', 'Bearer token', {}],
    ['client_secret without client_id', undefined, { client_secret: 's' }],
    ['wrong client_assertion_type', undefined, { client_assertion_type: 'urn:x', client_assertion: jwt({ alg: 'ES256' }, { sub: 'c1' }) }],
    ['client_assertion_type without assertion', undefined, { client_assertion_type: JWT_BEARER }],
    ['assertion that is not a JWT', undefined, { client_assertion_type: JWT_BEARER, client_assertion: 'nope' }],
    ['assertion without sub or client_id', undefined, { client_assertion_type: JWT_BEARER, client_assertion: jwt({ alg: 'ES256' }, {}) }],
    ['assertion sub different from client_id', undefined, { client_id: 'c2', client_assertion_type: JWT_BEARER, client_assertion: jwt({ alg: 'ES256' }, { sub: 'c1' }) }],
    ['nothing at all', undefined, {}],
  ] as const)('refuses %s with invalid_request', (_label, header, body) => {
    let error: unknown;
    try {
      extractCredentials(header, form(body));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).code).toBe('invalid_request');
    expect((error as OAuthError).status).toBe(400);
  });
});
