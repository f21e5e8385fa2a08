import { decodeJwt, decodeProtectedHeader, exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { adminRequest, createUser, registerClient } from '../helpers/admin';
import { authorizeUrl, loginAndConsent, newBrowser, pushRequest } from '../helpers/interaction';
import { CHALLENGE } from '../helpers/par';
import { testEnv } from '../helpers/worker';

const REDIRECT = 'https://rp.example/cb';

/**
 * A client whose encryption key is unusable when the response is sent (a
 * registration from before registration checked keys, or a jwks_uri that
 * changed): the user has logged in, and the client must hear back with an
 * error it can read, not a 500 page; and no code is issued, so the request
 * is not spent (JARM §2.3, §2.4; RFC 6749 §4.1.2.1; issue 9 item 3).
 */
describe('a JARM response that cannot be encrypted', () => {
  it('answers the client with a signed error response before any code is issued, and leaves the request_uri usable (JARM §2.4, RFC 9126 §4)', async () => {
    const rsa = await generateKeyPair('RSA-OAEP-256', { extractable: true });
    const rsaEnc = { ...(await exportJWK(rsa.publicKey)), kid: 'enc-rsa', use: 'enc' };
    const ecSig = { ...(await exportJWK((await generateKeyPair('ES256', { extractable: true })).publicKey)), kid: 'sig-ec', use: 'sig' };
    const metadata = { token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [REDIRECT], scope: 'openid profile', authorization_encrypted_response_alg: 'RSA-OAEP-256' };
    const reg = await registerClient({ ...metadata, jwks: { keys: [rsaEnc] } });
    // As stored before registration validated keys: only an EC signing key left for RSA-OAEP-256.
    await testEnv.DB.prepare('UPDATE clients SET jwks = ? WHERE client_id = ?').bind(JSON.stringify({ keys: [ecSig] }), reg.client_id).run();
    const user = await createUser();
    const state = `st-${crypto.randomUUID()}`;
    const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state, response_mode: 'query.jwt', code_challenge: CHALLENGE, code_challenge_method: 'S256' });
    const browser = newBrowser();
    const failed = await loginAndConsent(authorizeUrl({ client_id: reg.client_id, request_uri }), user, { browser });
    expect(failed.url.origin + failed.url.pathname).toBe(REDIRECT);
    const response = failed.params.get('response')!;
    expect(response.split('.')).toHaveLength(3);
    expect(decodeProtectedHeader(response).alg).toBe('RS256');
    const claims = decodeJwt(response);
    expect(claims).toMatchObject({ error: 'server_error', state, aud: reg.client_id });
    expect(claims.code).toBeUndefined();
    // The client fixes its keys; the same request_uri now completes with an encrypted response.
    const fixed = await adminRequest('PUT', `/clients/${reg.client_id}`, { ...metadata, jwks: { keys: [rsaEnc] } });
    expect(fixed.status).toBe(200);
    const done = await loginAndConsent(authorizeUrl({ client_id: reg.client_id, request_uri }), user, { browser });
    expect(done.params.get('response')!.split('.')).toHaveLength(5);
  });
});
