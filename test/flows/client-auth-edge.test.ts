import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { clientAssertion, clientKey, requestObject } from '../helpers/jwt';
import { appWith, authzParams, parBasic } from '../helpers/par';
import { ADMIN_TOKEN } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** Edge cases found while proving the foundation; each guards a fix. */
describe('client authentication and request object edges', () => {
  it('answers invalid_client, not 500, when a sealed client_secret_jwt secret cannot be opened (CLIENT_SECRET_KEY changed)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_jwt' });
    const assertion = await clientAssertion(reg.client_id, new TextEncoder().encode(reg.client_secret!));
    const res = await appWith({ CLIENT_SECRET_KEY: 'a-different-client-secret-key-0123456789' })('/par', {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...authzParams(), client_assertion_type: JWT_BEARER, client_assertion: assertion }).toString(),
    });
    expect(await errorOf(res)).toMatchObject({ status: 401, error: 'invalid_client' });
  });

  it('refuses a request object that expires within the clock skew with invalid_request_object (RFC 9101 §6.2)', async () => {
    const key = await clientKey('ES256');
    const reg = await registerClient({ jwks: { keys: [key.publicJwk] } });
    const now = Math.floor(Date.now() / 1000);
    const res = await parBasic(reg.client_id, reg.client_secret!, { request: await requestObject(reg.client_id, key, { ...authzParams(), exp: now - 5, iat: now - 30 }) });
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_request_object' });
  });

  it('accepts the admin bearer scheme case-insensitively (RFC 7235 §2.1, RFC 6750 §2.1)', async () => {
    const res = await appWith({})('/admin/clients?limit=1', { headers: { authorization: `bearer ${ADMIN_TOKEN}` } });
    expect(res.status).toBe(200);
  });
});
