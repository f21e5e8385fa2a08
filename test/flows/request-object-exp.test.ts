import { fapiClient } from '../helpers/fapi';
import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { authorizeUrl, newBrowser, visit } from '../helpers/interaction';
import { clientKey, requestObject } from '../helpers/jwt';
import { authzParams, parBasic } from '../helpers/par';
import { ISSUER } from '../helpers/worker';

/**
 * Request object `exp` (DESIGN.md "Request object exp"): required for FAPI 2.0
 * clients (FAPI 2.0 Security Profile §5.3.2.1); other clients may omit it
 * (OpenID Connect Core §6.1, RFC 9101 §4; Apache mod_auth_openidc sends none),
 * and their object is then bounded by `iat`: no older than
 * MAX_REQUEST_OBJECT_LIFETIME (3600 s by default), not in the future beyond
 * CLOCK_SKEW (30 s). Neither exp nor iat: nothing bounds it, refused.
 * Each rule at the PAR endpoint (RFC 9126 §3) and at /authorize (RFC 9101 §5).
 */
const REDIRECT = 'https://rp.example/cb';
const now = () => Math.floor(Date.now() / 1000);

async function setup(metadata: Record<string, unknown> = {}) {
  const key = await clientKey('ES256');
  const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', jwks: { keys: [key.publicJwk] }, ...metadata });
  const sign = (times: { exp?: number; iat?: number }) => requestObject(reg.client_id, key, { ...authzParams(), exp: undefined, iat: undefined, ...times });
  const atPar = async (times: { exp?: number; iat?: number }) => parBasic(reg.client_id, reg.client_secret!, { request: await sign(times) });
  const atAuthorize = async (times: { exp?: number; iat?: number }) =>
    visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request: await sign(times), response_type: 'code', redirect_uri: REDIRECT, state: 'outer' }));
  return { atPar, atAuthorize };
}

/** A FAPI 2.0 client (private_key_jwt, FAPI 2.0 §5.3.2.1) signing the same request objects. */
async function setupFapi() {
  const c = await fapiClient();
  const sign = (times: { exp?: number; iat?: number }) => requestObject(c.client_id, c.key, { ...authzParams(), exp: undefined, iat: undefined, ...times });
  const atPar = async (times: { exp?: number; iat?: number }) => c.post({ request: await sign(times) });
  const atAuthorize = async (times: { exp?: number; iat?: number }) =>
    visit(newBrowser(), authorizeUrl({ client_id: c.client_id, request: await sign(times), response_type: 'code', redirect_uri: REDIRECT, state: 'outer' }));
  return { atPar, atAuthorize };
}

async function refusedAtPar(res: Response) {
  expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_request_object' });
}

function refusedAtAuthorize(res: Response, error = 'invalid_request_object') {
  expect(res.status).toBe(303);
  const location = new URL(res.headers.get('location')!);
  expect(location.origin + location.pathname).toBe(REDIRECT);
  expect(Object.fromEntries(location.searchParams)).toMatchObject({ error, state: 'outer', iss: ISSUER });
}

describe('request object exp and iat (FAPI 2.0 §5.3.2.1, OpenID Connect Core §6.1, RFC 9101 §4)', () => {
  it('refuses a FAPI 2.0 client\'s request object without exp, at PAR and at /authorize (FAPI 2.0 §5.3.2.1)', async () => {
    const c = await setupFapi();
    await refusedAtPar(await c.atPar({ iat: now() }));
    // At /authorize a FAPI 2.0 client is refused before its request object is read: it must use PAR (FAPI 2.0 §5.3.2.2).
    refusedAtAuthorize(await c.atAuthorize({ iat: now() }), 'invalid_request');
  });

  it('accepts another client\'s request object without exp but with a fresh iat, at PAR and at /authorize (OpenID Connect Core §6.1)', async () => {
    const c = await setup();
    const res = await c.atPar({ iat: now() });
    expect(res.status).toBe(201);
    expect(((await res.json()) as { expires_in: number }).expires_in).toBe(60);
    expect((await c.atAuthorize({ iat: now() })).status).toBe(200);
  });

  it('bounds an exp-less pushed request by iat + MAX_REQUEST_OBJECT_LIFETIME (RFC 9126 §2.2)', async () => {
    const c = await setup();
    const res = await c.atPar({ iat: now() - 3590 });
    expect(res.status).toBe(201);
    const { expires_in } = (await res.json()) as { expires_in: number };
    expect(expires_in).toBeGreaterThan(0);
    expect(expires_in).toBeLessThanOrEqual(10);
  });

  it('refuses an exp-less request object whose iat is older than MAX_REQUEST_OBJECT_LIFETIME, at PAR and at /authorize (RFC 9101 §10.8)', async () => {
    const c = await setup();
    await refusedAtPar(await c.atPar({ iat: now() - 3700 }));
    refusedAtAuthorize(await c.atAuthorize({ iat: now() - 3700 }));
  });

  it('refuses an exp-less request object whose iat is in the future beyond the clock skew, at PAR and at /authorize (RFC 7519 §4.1.6)', async () => {
    const c = await setup();
    await refusedAtPar(await c.atPar({ iat: now() + 120 }));
    refusedAtAuthorize(await c.atAuthorize({ iat: now() + 120 }));
  });

  it('refuses a request object with neither exp nor iat, at PAR and at /authorize: nothing bounds its age (RFC 9101 §10.8)', async () => {
    const c = await setup();
    await refusedAtPar(await c.atPar({}));
    refusedAtAuthorize(await c.atAuthorize({}));
  });

  it('still accepts a FAPI 2.0 client\'s request object with exp (control, FAPI 2.0 §5.3.2.1)', async () => {
    const c = await setupFapi();
    expect((await c.atPar({ iat: now(), exp: now() + 60 })).status).toBe(201);
  });
});
