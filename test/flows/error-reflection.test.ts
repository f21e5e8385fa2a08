import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { authorizeUrl, newBrowser, visit } from '../helpers/interaction';
import { clientKey, requestObject, type ClientKey } from '../helpers/jwt';
import { authzParams, parBasic } from '../helpers/par';
import { basic, call, ISSUER } from '../helpers/worker';

/**
 * Error responses sent to the client's redirect_uri (RFC 6749 §4.1.2.1) land
 * on the relying party's error page: their error_description must not carry
 * an attacker's text, and nothing from the request may blow up the Location
 * header. Back-channel JSON errors may name parameters, but stay bounded.
 */
const REDIRECT = 'https://rp.example/cb';
const MARKER = 'Your_account_is_locked_call_555_0100';

const b64url = (bytes: Uint8Array) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const b64json = (value: unknown) => b64url(new TextEncoder().encode(JSON.stringify(value)));

/** A compact JWS with any protected header, ES256-signed with `key` (jose refuses to sign unknown `crit` values or odd algs). */
async function rawJws(header: Record<string, unknown>, payload: Record<string, unknown>, key: ClientKey): Promise<string> {
  const input = `${b64json(header)}.${b64json(payload)}`;
  const signature = await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, key.privateKey, new TextEncoder().encode(input));
  return `${input}.${b64url(new Uint8Array(signature))}`;
}

/** The error redirect of `res`: exact target, the error, and the whole Location. */
function redirectOf(res: Response) {
  expect(res.status).toBe(303);
  const location = res.headers.get('location')!;
  const url = new URL(location);
  expect(url.origin + url.pathname).toBe(REDIRECT);
  return { location, params: Object.fromEntries(url.searchParams) };
}

async function setup() {
  const key = await clientKey('ES256');
  const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', jwks: { keys: [key.publicJwk] } });
  return { key, reg };
}

function authorize(params: Record<string, string>) {
  return visit(newBrowser(), authorizeUrl({ response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'st', ...params }));
}

describe('error descriptions do not echo request input (RFC 6749 §4.1.2.1)', () => {
  it.each([
    ['response_type', { response_type: `code ${MARKER}` }, 'unsupported_response_type'],
    ['response_mode', { response_mode: MARKER }, 'invalid_request'],
    ['scope', { scope: `openid ${MARKER}` }, 'invalid_scope'],
    ['prompt', { prompt: MARKER }, 'invalid_request'],
  ])('redirects a bad %s with a fixed description naming the parameter, not its value (RFC 6749 §4.1.2.1)', async (name, params, error) => {
    const { reg } = await setup();
    const { location, params: got } = redirectOf(await authorize({ client_id: reg.client_id, ...params }));
    expect(got).toMatchObject({ error, state: 'st', iss: ISSUER });
    expect(got.error_description).toContain(name);
    expect(location).not.toContain(MARKER);
  });

  it('redirects an over-long parameter without its 32 KiB name: the Location stays small (RFC 6749 §4.1.2.1)', async () => {
    const { reg } = await setup();
    const name = `${MARKER}${'n'.repeat(32 * 1024)}`;
    const body = new URLSearchParams({ client_id: reg.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'st', [name]: 'v'.repeat(4097) });
    const res = await visit(newBrowser(), '/authorize', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: body.toString() });
    const { location, params } = redirectOf(res);
    expect(params).toMatchObject({ error: 'invalid_request', state: 'st' });
    expect(location).not.toContain(MARKER);
    expect(location.length).toBeLessThan(1024);
  });

  it('redirects a request object refused for its alg without echoing the header (RFC 9101 §6.2, RFC 6749 §4.1.2.1)', async () => {
    const { key, reg } = await setup();
    const now = Math.floor(Date.now() / 1000);
    const request = await rawJws({ alg: MARKER, kid: key.kid, typ: 'oauth-authz-req+jwt' }, { ...authzParams(), client_id: reg.client_id, iss: reg.client_id, aud: ISSUER, iat: now, exp: now + 60 }, key);
    const { location, params } = redirectOf(await authorize({ client_id: reg.client_id, request }));
    expect(params).toMatchObject({ error: 'invalid_request_object', state: 'st' });
    expect(location).not.toContain(MARKER);
  });

  it('redirects a request object with an unknown crit header without echoing it (RFC 7515 §4.1.11, RFC 6749 §4.1.2.1)', async () => {
    const { key, reg } = await setup();
    const now = Math.floor(Date.now() / 1000);
    const request = await rawJws(
      { alg: 'ES256', kid: key.kid, typ: 'oauth-authz-req+jwt', crit: [MARKER], [MARKER]: true },
      { ...authzParams(), client_id: reg.client_id, iss: reg.client_id, aud: ISSUER, iat: now, exp: now + 60 }, key,
    );
    const { location, params } = redirectOf(await authorize({ client_id: reg.client_id, request }));
    expect(params).toMatchObject({ error: 'invalid_request_object', state: 'st' });
    expect(location).not.toContain(MARKER);
  });

  it('redirects a request object claim of an unsupported type without its name (RFC 9101 §4, RFC 6749 §4.1.2.1)', async () => {
    const { key, reg } = await setup();
    const request = await requestObject(reg.client_id, key, { ...authzParams(), [`${MARKER}${'c'.repeat(16 * 1024)}`]: true });
    const { location, params } = redirectOf(await authorize({ client_id: reg.client_id, request }));
    expect(params).toMatchObject({ error: 'invalid_request_object', state: 'st' });
    expect(location).not.toContain(MARKER);
    expect(location.length).toBeLessThan(1024);
  });
});

describe('back-channel error descriptions are bounded (RFC 6749 §5.2)', () => {
  it('answers a repeated 24 KiB parameter name at PAR without repeating it (RFC 9126 §2.1)', async () => {
    const { reg } = await setup();
    const name = `${MARKER}${'n'.repeat(24 * 1024)}`;
    const body = `${new URLSearchParams(authzParams()).toString()}&${name}=a&${name}=b`;
    const res = await parBasicRaw(reg, body);
    const error = await errorOf(res);
    expect({ status: error.status, error: error.error }).toEqual({ status: 400, error: 'invalid_request' });
    expect(error.error_description).not.toContain(MARKER);
    expect(error.error_description.length).toBeLessThanOrEqual(300);
  });

  it('answers a 4 KiB unregistered scope value at PAR with a fixed, bounded description (RFC 6749 §5.2)', async () => {
    const { reg } = await setup();
    const error = await errorOf(await parBasic(reg.client_id, reg.client_secret!, authzParams({ scope: `openid ${MARKER}${'s'.repeat(4000)}` })));
    expect({ status: error.status, error: error.error }).toEqual({ status: 400, error: 'invalid_scope' });
    expect(error.error_description).not.toContain(MARKER);
    expect(error.error_description.length).toBeLessThanOrEqual(300);
  });
});

function parBasicRaw(reg: { client_id: string; client_secret?: string }, body: string): Promise<Response> {
  return call('/par', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(reg.client_id, reg.client_secret!) }, body });
}
