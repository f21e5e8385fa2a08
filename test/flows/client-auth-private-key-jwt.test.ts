import { SignJWT } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerClient as register } from '../helpers/admin';
import { clientAssertion, clientKey, unsignedJwt, type ClientKey } from '../helpers/jwt';
import { appWith, authzParams, parForm, parKeys, storedSince, trackingRegistrar } from '../helpers/par';
import { ISSUER, unique } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

const { ids, registerClient } = trackingRegistrar(register);
/** private_key_jwt at /par (RFC 7523 §3, RFC 9126 §2, OIDC Core §9, DESIGN.md "client assertion aud"). */
describe('client authentication with private_key_jwt', () => {
  afterEach(() => vi.restoreAllMocks());

  async function setup(metadata: Record<string, unknown> = {}, alg = 'ES256') {
    const key = await clientKey(alg);
    const reg = await registerClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, ...metadata });
    return { id: reg.client_id, key };
  }

  const withAssertion = (assertion: string, extra: Record<string, string> = {}) =>
    ({ ...authzParams(), client_assertion_type: JWT_BEARER, client_assertion: assertion, ...extra });

  async function unauthorized(send: () => Promise<Response>) {
    const before = await parKeys();
    const res = await send();
    const body = await errorOf(res);
    expect({ status: body.status, error: body.error }).toEqual({ status: 401, error: 'invalid_client' });
    expect(body.client_auth_id).toBeTypeOf('string');
    expect(res.headers.get('www-authenticate')).toBeNull();
    expect(await storedSince(before, ids)).toEqual([]);
  }

  it.each(['ES256', 'RS256', 'PS256', 'EdDSA'])('accepts an assertion signed with a registered %s key (RFC 7523 §3)', async (alg) => {
    const c = await setup({}, alg);
    expect((await parForm(withAssertion(await clientAssertion(c.id, c.key)))).status).toBe(201);
  });

  it('refuses an assertion signed with an unregistered key (RFC 7523 §3 item 9)', async () => {
    const c = await setup();
    const other = await clientKey('ES256');
    await unauthorized(async () => parForm(withAssertion(await clientAssertion(c.id, { ...other, kid: c.key.kid }))));
  });

  it('refuses an expired assertion (RFC 7523 §3 item 4)', async () => {
    const c = await setup();
    const now = Math.floor(Date.now() / 1000);
    await unauthorized(async () => parForm(withAssertion(await clientAssertion(c.id, c.key, { exp: now - 120, iat: now - 180 }))));
  });

  it('refuses an assertion whose exp is too far ahead (MAX_JWT_LIFETIME, RFC 7523 §3 item 4)', async () => {
    const c = await setup();
    const now = Math.floor(Date.now() / 1000);
    await unauthorized(async () => parForm(withAssertion(await clientAssertion(c.id, c.key, { exp: now + 3600 }))));
  });

  it('refuses a replayed jti: the second use fails (RFC 7523 §3 item 7)', async () => {
    const c = await setup();
    const assertion = await clientAssertion(c.id, c.key);
    expect((await parForm(withAssertion(assertion))).status).toBe(201);
    await unauthorized(() => parForm(withAssertion(assertion)));
  });

  it('refuses an assertion without jti (RFC 7523 §3, OIDC Core §9)', async () => {
    const c = await setup();
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({}).setProtectedHeader({ alg: 'ES256', kid: c.key.kid })
      .setIssuer(c.id).setSubject(c.id).setAudience(ISSUER).setIssuedAt(now).setExpirationTime(now + 60).sign(c.key.privateKey);
    await unauthorized(() => parForm(withAssertion(jwt)));
  });

  it('refuses iss different from sub (RFC 7523 §3 items 1-2)', async () => {
    const c = await setup();
    const now = Math.floor(Date.now() / 1000);
    const jwt = await new SignJWT({ jti: crypto.randomUUID() }).setProtectedHeader({ alg: 'ES256', kid: c.key.kid })
      .setIssuer('someone-else').setSubject(c.id).setAudience(ISSUER).setIssuedAt(now).setExpirationTime(now + 60).sign(c.key.privateKey);
    await unauthorized(() => parForm(withAssertion(jwt)));
  });

  it('refuses a wrong aud (RFC 7523 §3 item 3)', async () => {
    const c = await setup();
    await unauthorized(async () => parForm(withAssertion(await clientAssertion(c.id, c.key, { aud: 'https://other.example' }))));
  });

  it.each([
    ['the issuer', ISSUER],
    ['the token endpoint URL', `${ISSUER}/token`],
    ['the PAR endpoint URL', `${ISSUER}/par`],
  ])('accepts %s as aud (RFC 9126 §2)', async (_label, aud) => {
    const c = await setup();
    expect((await parForm(withAssertion(await clientAssertion(c.id, c.key, { aud })))).status).toBe(201);
  });

  it('accepts an aud array containing the issuer (RFC 7519 §4.1.3)', async () => {
    const c = await setup();
    expect((await parForm(withAssertion(await clientAssertion(c.id, c.key, { aud: ['https://x.example', ISSUER] as never })))).status).toBe(201);
  });

  it.each([`${ISSUER}/token`, `${ISSUER}/par`])('for a fapi2 client refuses aud %s: only the issuer (FAPI 2.0 §5.3.2.1)', async (aud) => {
    const c = await setup({ client_profile: 'fapi2' });
    await unauthorized(async () => parForm(withAssertion(await clientAssertion(c.id, c.key, { aud }))));
  });

  it('for a fapi2 client accepts the issuer string as aud (FAPI 2.0 §5.3.2.1)', async () => {
    const c = await setup({ client_profile: 'fapi2' });
    expect((await parForm(withAssertion(await clientAssertion(c.id, c.key))))).toHaveProperty('status', 201);
  });

  it('for a fapi2 client refuses the issuer inside an aud array: a string only (FAPI 2.0 §5.3.2.1)', async () => {
    const c = await setup({ client_profile: 'fapi2' });
    await unauthorized(async () => parForm(withAssertion(await clientAssertion(c.id, c.key, { aud: [ISSUER] as never }))));
  });

  it('with FAPI2=true refuses the token endpoint as aud for every client (DESIGN.md)', async () => {
    const c = await setup();
    const fetch = appWith({ FAPI2: 'true' });
    const init = async (aud: string): Promise<RequestInit> => ({
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(withAssertion(await clientAssertion(c.id, c.key, { aud }))).toString(),
    });
    expect(await errorOf(await fetch('/par', await init(`${ISSUER}/token`)))).toMatchObject({ status: 401, error: 'invalid_client' });
    expect((await fetch('/par', await init(ISSUER))).status).toBe(201);
  });

  it('refuses alg none (RFC 8725 §2.1)', async () => {
    const c = await setup();
    const now = Math.floor(Date.now() / 1000);
    await unauthorized(() => parForm(withAssertion(unsignedJwt({ iss: c.id, sub: c.id, aud: ISSUER, jti: crypto.randomUUID(), exp: now + 60 }))));
  });

  it('refuses HS256 signed with the public key bytes: algorithm confusion (RFC 8725 §2.1)', async () => {
    const c = await setup({}, 'RS256');
    const publicKeyBytes = new TextEncoder().encode(JSON.stringify(c.key.publicJwk));
    await unauthorized(async () => parForm(withAssertion(await clientAssertion(c.id, publicKeyBytes))));
    const nBytes = new TextEncoder().encode(String(c.key.publicJwk.n));
    await unauthorized(async () => parForm(withAssertion(await clientAssertion(c.id, nBytes))));
  });

  it('refuses an assertion that carries its own jwk header (RFC 8725 §3.10)', async () => {
    const c = await setup();
    const attacker = await clientKey('ES256');
    await unauthorized(async () => parForm(withAssertion(await clientAssertion(c.id, attacker, {}, { jwk: attacker.publicJwk }))));
  });

  it('refuses a wrong client_assertion_type with invalid_request (RFC 7521 §4.2)', async () => {
    const c = await setup();
    const res = await parForm(withAssertion(await clientAssertion(c.id, c.key), { client_assertion_type: 'urn:wrong' }));
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('refuses a body client_id that differs from the assertion sub with invalid_request', async () => {
    const c = await setup();
    const res = await parForm(withAssertion(await clientAssertion(c.id, c.key), { client_id: 'someone-else' }));
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('fetches keys from jwks_uri and refuses keys not in it (RFC 7591 §2 jwks_uri)', async () => {
    const key = await clientKey('ES256');
    const jwks_uri = `https://rp.example/${unique('jwks')}.json`;
    const reg = await registerClient({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri });
    const spy = vi.spyOn(globalThis, 'fetch').mockImplementation(async (input) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url === jwks_uri) return Response.json({ keys: [key.publicJwk] });
      return new Response('not found', { status: 404 });
    });
    // A fresh env object builds fresh services, which pick up the intercepted fetch.
    const fetch = appWith({});
    const send = async (k: ClientKey) => fetch('/par', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(withAssertion(await clientAssertion(reg.client_id, k))).toString(),
    });
    expect((await send(key)).status).toBe(201);
    expect(spy).toHaveBeenCalled();
    const stranger = await clientKey('ES256');
    expect(await errorOf(await send(stranger))).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('answers invalid_client, not 500, when jwks_uri is unreachable', async () => {
    const key = await clientKey('ES256');
    const jwks_uri = `https://rp.example/${unique('down')}.json`;
    const reg = await registerClient({ token_endpoint_auth_method: 'private_key_jwt', jwks_uri });
    vi.spyOn(globalThis, 'fetch').mockImplementation(async () => new Response('down', { status: 503 }));
    const res = await appWith({})('/par', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(withAssertion(await clientAssertion(reg.client_id, key))).toString(),
    });
    expect(await errorOf(res)).toMatchObject({ status: 401, error: 'invalid_client' });
  });
});
