import { fapiClient } from '../helpers/fapi';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { registerClient as register } from '../helpers/admin';
import { clientKey, requestObject, unsignedJwt, type ClientKey } from '../helpers/jwt';
import { authzParams, parBasic, parKeys, storedSince, trackingRegistrar, storedRequest } from '../helpers/par';
import { ISSUER } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

const { ids, registerClient } = trackingRegistrar(register);
/** Request objects at the PAR endpoint (RFC 9126 §3, RFC 9101 §4, §6). */
describe('PAR with a request object', () => {
  async function setup(metadata: Record<string, unknown> = {}) {
    const key = await clientKey('ES256');
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', jwks: { keys: [key.publicJwk] }, ...metadata });
    return { key, id: reg.client_id, secret: reg.client_secret! };
  }

  async function refused(c: { id: string; secret: string }, request: string, error = 'invalid_request_object') {
    const before = await parKeys();
    const body = await errorOf(await parBasic(c.id, c.secret, { request }));
    expect({ status: body.status, error: body.error }).toEqual({ status: 400, error });
    expect(await storedSince(before, ids)).toEqual([]);
    return body;
  }

  it('accepts a request object signed with a registered key and stores its claims (RFC 9101 §4)', async () => {
    const c = await setup();
    const res = await parBasic(c.id, c.secret, { request: await requestObject(c.id, c.key, { ...authzParams(), state: 'ro-state' }) });
    expect(res.status).toBe(201);
    const stored = await storedRequest(((await res.json()) as { request_uri: string }).request_uri);
    expect(stored?.request.state).toBe('ro-state');
    expect(stored?.request.scope).toBe('openid profile');
  });

  it('refuses alg none (RFC 9101 §6.1, RFC 8725 §3.2)', async () => {
    const c = await setup();
    const now = Math.floor(Date.now() / 1000);
    await refused(c, unsignedJwt({ ...authzParams(), client_id: c.id, iss: c.id, aud: ISSUER, exp: now + 60 }));
  });

  it('refuses a request object signed with an unregistered key (RFC 9101 §6.2)', async () => {
    const c = await setup();
    const other = await clientKey('ES256');
    await refused(c, await requestObject(c.id, { ...other, kid: c.key.kid }, authzParams()));
  });

  it('refuses a request object HMAC-signed with the client secret: asymmetric only', async () => {
    const c = await setup();
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ ...authzParams(), client_id: c.id, iss: c.id, aud: ISSUER, exp: now + 60 })
      .setProtectedHeader({ alg: 'HS256' }).sign(new TextEncoder().encode(c.secret));
    await refused(c, jwt);
  });

  it('refuses a wrong aud (RFC 9101 §4: aud is the issuer)', async () => {
    const c = await setup();
    await refused(c, await requestObject(c.id, c.key, { ...authzParams(), aud: 'https://other.example' }));
  });

  it('refuses a wrong iss (RFC 9101 §4: iss is the client_id)', async () => {
    const c = await setup();
    await refused(c, await requestObject(c.id, c.key, { ...authzParams(), iss: 'someone-else' }));
  });

  it('refuses a FAPI 2.0 client\'s request object without exp (FAPI 2.0 §5.3.2.1, RFC 9101 §10.8)', async () => {
    const c = await fapiClient();
    const before = await parKeys();
    const body = await errorOf(await c.post({ request: await requestObject(c.client_id, c.key, { ...authzParams(), exp: undefined }) }));
    expect({ status: body.status, error: body.error }).toEqual({ status: 400, error: 'invalid_request_object' });
    expect(await storedSince(before, [c.client_id])).toEqual([]);
  });

  it('refuses an expired request object (RFC 7519 §4.1.4)', async () => {
    const c = await setup();
    const now = Math.floor(Date.now() / 1000);
    await refused(c, await requestObject(c.id, c.key, { ...authzParams(), exp: now - 120, iat: now - 180 }));
  });

  it('refuses a client_id claim that is not the authenticated client (RFC 9101 §5, RFC 9126 §3)', async () => {
    const c = await setup();
    await refused(c, await requestObject(c.id, c.key, { ...authzParams(), client_id: 'another-client' }));
  });

  it.each(['request', 'request_uri'])('refuses a nested %s claim (RFC 9101 §4)', async (claim) => {
    const c = await setup();
    await refused(c, await requestObject(c.id, c.key, { ...authzParams(), [claim]: 'x' }));
  });

  it('refuses a jwk header: keys come only from the registration (RFC 8725 §3.10)', async () => {
    const c = await setup();
    const attacker = await clientKey('ES256');
    await refused(c, await requestObject(c.id, attacker, authzParams(), { jwk: attacker.publicJwk }));
  });

  it('refuses a jku header pointing elsewhere (RFC 8725 §3.10)', async () => {
    const c = await setup();
    await refused(c, await requestObject(c.id, c.key, authzParams(), { jku: 'https://evil.example/jwks' }));
  });

  it('refuses a request parameter that is not a JWT', async () => {
    const c = await setup();
    await refused(c, 'not-a-jwt');
  });

  it('uses only the request object: form parameters never override its claims (RFC 9126 §3)', async () => {
    const c = await setup();
    const ro = await requestObject(c.id, c.key, { ...authzParams({ scope: 'openid', state: 'from-object' }) });
    const res = await parBasic(c.id, c.secret, {
      request: ro, scope: 'openid profile email', state: 'from-form', nonce: 'form-only', redirect_uri: 'https://evil.example/cb',
    });
    expect(res.status).toBe(201);
    const stored = await storedRequest(((await res.json()) as { request_uri: string }).request_uri);
    expect(stored?.request.scope).toBe('openid');
    expect(stored?.request.state).toBe('from-object');
    expect(stored?.request.redirect_uri).toBe('https://rp.example/cb');
    expect(stored?.request).not.toHaveProperty('nonce');
  });

  it('shortens expires_in to the request object exp when sooner than the lifetime (RFC 9126 §2.2)', async () => {
    const c = await setup();
    const now = Math.floor(Date.now() / 1000);
    const res = await parBasic(c.id, c.secret, { request: await requestObject(c.id, c.key, { ...authzParams(), exp: now + 20 }) });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { request_uri: string; expires_in: number };
    expect(body.expires_in).toBeGreaterThanOrEqual(18);
    expect(body.expires_in).toBeLessThanOrEqual(20);
    expect((await storedRequest(body.request_uri))!.expires_at).toBeLessThanOrEqual(now + 20);
  });

  it('validates the request object\'s parameters like form parameters (RFC 9101 §6.3)', async () => {
    const c = await setup();
    await refused(c, await requestObject(c.id, c.key, authzParams({ redirect_uri: 'https://rp.example/cb/' })), 'invalid_request');
    await refused(c, await requestObject(c.id, c.key, authzParams({ response_type: 'token' })), 'unsupported_response_type');
  });

  it('refuses a request object signed with an alg other than the registered request_object_signing_alg', async () => {
    const es = await clientKey('ES256');
    const rs = await clientKey('RS256');
    const reg = await registerClient({ jwks: { keys: [es.publicJwk, rs.publicJwk] }, request_object_signing_alg: 'ES256' });
    const c = { id: reg.client_id, secret: reg.client_secret! };
    await refused(c, await requestObject(c.id, rs as ClientKey, authzParams()));
    expect((await parBasic(c.id, c.secret, { request: await requestObject(c.id, es, authzParams()) })).status).toBe(201);
  });
});
