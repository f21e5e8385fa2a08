import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { confidential, honestCode, postBasic, publicClient, REDIRECT, codeRequest } from '../helpers/attack';
import { dpopKey, dpopProof } from '../helpers/dpop';
import { errorOf } from '../helpers/errors';
import { callback, issueCode, redeem, rpClient } from '../helpers/grant';
import { authorizeUrl, loginAndConsent } from '../helpers/interaction';
import { createUser } from '../helpers/admin';
import { clientAssertion, clientKey } from '../helpers/jwt';
import { discover, pkce, viaWorker } from '../helpers/rp';
import { call, form } from '../helpers/worker';

/** A DPoP handle for oauth4webapi (RFC 9449 §4) and the key behind it. */
async function dpopHandle(client: oauth.Client) {
  const key = await dpopKey();
  return { key, DPoP: oauth.DPoP(client, { privateKey: key.privateKey, publicKey: key.publicKey }) };
}

describe('DPoP-bound tokens with oauth4webapi (RFC 9449)', () => {
  it('binds the access token to the proof key: token_type DPoP and cnf.jkt (RFC 9449 §5, §6.1)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const { key, DPoP } = await dpopHandle(rp.client);
    const issued = await issueCode({ client_id: rp.client_id });
    const res = await oauth.authorizationCodeGrantRequest(as, rp.client, rp.auth, callback(as, rp.client, issued.code), REDIRECT, issued.code_verifier, { ...viaWorker, DPoP });
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp.client, res, { expectedNonce: issued.nonce });
    expect(tokens.token_type).toBe('dpop');
    expect(decodeJwt(tokens.access_token).cnf).toEqual({ jkt: key.jkt });
  });

  it('answers /userinfo for Authorization: DPoP with a proof carrying ath (RFC 9449 §7.1)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const { DPoP } = await dpopHandle(rp.client);
    const issued = await issueCode({ client_id: rp.client_id });
    const grant = await oauth.authorizationCodeGrantRequest(as, rp.client, rp.auth, callback(as, rp.client, issued.code), REDIRECT, issued.code_verifier, { ...viaWorker, DPoP });
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp.client, grant, { expectedNonce: issued.nonce });
    const res = await oauth.userInfoRequest(as, rp.client, tokens.access_token, { ...viaWorker, DPoP });
    expect(res.status).toBe(200);
    expect((await oauth.processUserInfoResponse(as, rp.client, issued.sub, res)).sub).toBe(issued.sub);
  });

  it('/introspect returns cnf.jkt and token_type DPoP for a bound token (RFC 9449 §6.2, RFC 7662 §2.2)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const { key, DPoP } = await dpopHandle(rp.client);
    const issued = await issueCode({ client_id: rp.client_id });
    const grant = await oauth.authorizationCodeGrantRequest(as, rp.client, rp.auth, callback(as, rp.client, issued.code), REDIRECT, issued.code_verifier, { ...viaWorker, DPoP });
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp.client, grant, { expectedNonce: issued.nonce });
    const body = await oauth.processIntrospectionResponse(as, rp.client, await oauth.introspectionRequest(as, rp.client, rp.auth, tokens.access_token, viaWorker));
    expect(body).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: key.jkt } });
  });

  it('binds a client_credentials token to the proof key (RFC 9449 §5)', async () => {
    const as = await discover();
    const rp = await rpClient({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' });
    const { key, DPoP } = await dpopHandle(rp.client);
    const body = await oauth.processClientCredentialsResponse(as, rp.client, await oauth.clientCredentialsGrantRequest(as, rp.client, rp.auth, {}, { ...viaWorker, DPoP }));
    expect(body.token_type).toBe('dpop');
    expect(decodeJwt(body.access_token).cnf).toEqual({ jkt: key.jkt });
  });

  it('still issues bearer tokens to a request without a proof (RFC 9449 §5: DPoP is optional unless required)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const issued = await issueCode({ client_id: rp.client_id });
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
    expect(tokens.token_type).toBe('bearer');
    expect(decodeJwt(tokens.access_token).cnf).toBeUndefined();
  });
});

describe('DPoP-bound authorization codes (RFC 9449 §10)', () => {
  it('binds the code to dpop_jkt pushed at PAR: redeemed only with a proof by that key (RFC 9449 §10, §10.1)', async () => {
    const client = await confidential();
    const key = await dpopKey();
    const other = await dpopKey();
    const flow = await honestCode(client, { dpop_jkt: key.jkt });
    const params = { grant_type: 'authorization_code', code: flow.code, redirect_uri: REDIRECT, code_verifier: flow.code_verifier };
    expect(await errorOf(await postBasic('/token', params, client))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await errorOf(await postBasic('/token', params, client, { dpop: await dpopProof(other, '/token') }))).toMatchObject({ status: 400, error: 'invalid_grant' });
    const res = await postBasic('/token', params, client, { dpop: await dpopProof(key, '/token') });
    expect(res.status).toBe(200);
    const body = await res.json<{ token_type: string; access_token: string }>();
    expect(body.token_type).toBe('DPoP');
    expect(decodeJwt(body.access_token).cnf).toEqual({ jkt: key.jkt });
  });

  it('binds the code to the key of a DPoP proof sent to PAR (RFC 9449 §10.1)', async () => {
    const client = await confidential();
    const key = await dpopKey();
    const user = await createUser();
    const { code_verifier, code_challenge } = await pkce();
    const par = await postBasic('/par', codeRequest(code_challenge), client, { dpop: await dpopProof(key, '/par') });
    expect(par.status).toBe(201);
    const { request_uri } = await par.json<{ request_uri: string }>();
    const callback = await loginAndConsent(authorizeUrl({ client_id: client.client_id, request_uri }), user);
    const params = { grant_type: 'authorization_code', code: callback.params.get('code')!, redirect_uri: REDIRECT, code_verifier };
    expect(await errorOf(await postBasic('/token', params, client, { dpop: await dpopProof(await dpopKey(), '/token') }))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect((await postBasic('/token', params, client, { dpop: await dpopProof(key, '/token') })).status).toBe(200);
  });

  it('refuses at PAR a dpop_jkt that is not the key of the DPoP proof (RFC 9449 §10.1)', async () => {
    const client = await confidential();
    const key = await dpopKey();
    const { code_challenge } = await pkce();
    const res = await postBasic('/par', codeRequest(code_challenge, { dpop_jkt: (await dpopKey()).jkt }), client, { dpop: await dpopProof(key, '/par') });
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('binds the code to dpop_jkt of a plain /authorize request (RFC 9449 §10)', async () => {
    const client = await confidential();
    const key = await dpopKey();
    const user = await createUser();
    const { code_verifier, code_challenge } = await pkce();
    const callback = await loginAndConsent(authorizeUrl({ client_id: client.client_id, ...codeRequest(code_challenge, { dpop_jkt: key.jkt }) }), user);
    const params = { grant_type: 'authorization_code', code: callback.params.get('code')!, redirect_uri: REDIRECT, code_verifier };
    expect(await errorOf(await postBasic('/token', params, client))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect((await postBasic('/token', params, client, { dpop: await dpopProof(key, '/token') })).status).toBe(200);
  });

  it('refuses a malformed dpop_jkt at PAR (RFC 9449 §10)', async () => {
    const client = await confidential();
    const { code_challenge } = await pkce();
    expect(await errorOf(await postBasic('/par', codeRequest(code_challenge, { dpop_jkt: 'not a thumbprint' }), client))).toMatchObject({ status: 400, error: 'invalid_request' });
  });
});

describe('DPoP-bound refresh tokens (RFC 9449 §5)', () => {
  async function publicDpopTokens(key: Awaited<ReturnType<typeof dpopKey>>) {
    const client = await publicClient();
    const user = await createUser();
    const { code_verifier, code_challenge } = await pkce();
    const par = await call('/par', form({ client_id: client.client_id, ...codeRequest(code_challenge) }));
    const { request_uri } = await par.json<{ request_uri: string }>();
    const callback = await loginAndConsent(authorizeUrl({ client_id: client.client_id, request_uri }), user);
    const res = await call('/token', {
      ...form({ grant_type: 'authorization_code', client_id: client.client_id, code: callback.params.get('code')!, code_verifier, redirect_uri: REDIRECT }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: await dpopProof(key, '/token') },
    });
    expect(res.status).toBe(200);
    return { client, tokens: await res.json<{ refresh_token: string; token_type: string }>() };
  }
  const refresh = async (client_id: string, refresh_token: string, proof?: string) => call('/token', {
    ...form({ grant_type: 'refresh_token', client_id, refresh_token }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(proof && { dpop: proof }) },
  });

  it('binds a public client\'s refresh token to its DPoP key: refresh needs a proof by that key (RFC 9449 §5)', async () => {
    const key = await dpopKey();
    const { client, tokens } = await publicDpopTokens(key);
    expect(tokens.token_type).toBe('DPoP');
    expect(await errorOf(await refresh(client.client_id, tokens.refresh_token))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await errorOf(await refresh(client.client_id, tokens.refresh_token, await dpopProof(await dpopKey(), '/token')))).toMatchObject({ status: 400, error: 'invalid_grant' });
    // The refused attempts changed nothing: the holder of the key still refreshes.
    const res = await refresh(client.client_id, tokens.refresh_token, await dpopProof(key, '/token'));
    expect(res.status).toBe(200);
    const next = await res.json<{ access_token: string; refresh_token: string }>();
    expect(decodeJwt(next.access_token).cnf).toEqual({ jkt: key.jkt });
    expect((await refresh(client.client_id, next.refresh_token, await dpopProof(key, '/token'))).status).toBe(200);
  });

  it('does not bind a confidential client\'s refresh token; its access tokens are bound to each request\'s proof (RFC 9449 §5)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const first = await dpopHandle(rp.client);
    const issued = await issueCode({ client_id: rp.client_id, scope: 'openid offline_access' });
    const grant = await oauth.authorizationCodeGrantRequest(as, rp.client, rp.auth, callback(as, rp.client, issued.code), REDIRECT, issued.code_verifier, { ...viaWorker, DPoP: first.DPoP });
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp.client, grant, { expectedNonce: issued.nonce });
    const second = await dpopHandle(rp.client);
    const res = await oauth.refreshTokenGrantRequest(as, rp.client, rp.auth, tokens.refresh_token!, { ...viaWorker, DPoP: second.DPoP });
    const next = await oauth.processRefreshTokenResponse(as, rp.client, res);
    expect(decodeJwt(next.access_token).cnf).toEqual({ jkt: second.key.jkt });
  });
});

describe('requiring sender-constrained tokens (RFC 9449 §5.2, FAPI 2.0 Security Profile §5.3.2.1)', () => {
  it('refuses a token request without a proof from a client registered with dpop_bound_access_tokens (RFC 9449 §5.2)', async () => {
    const client = await confidential({ dpop_bound_access_tokens: true, grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' });
    expect(client).toMatchObject({ dpop_bound_access_tokens: true, tls_client_certificate_bound_access_tokens: false });
    expect(await errorOf(await postBasic('/token', { grant_type: 'client_credentials' }, client))).toMatchObject({ status: 400, error: 'invalid_dpop_proof' });
    const res = await postBasic('/token', { grant_type: 'client_credentials' }, client, { dpop: await dpopProof(await dpopKey(), '/token') });
    expect((await res.json<{ token_type: string }>()).token_type).toBe('DPoP');
  });

  it('refuses a FAPI 2.0 client\'s token request with neither a DPoP proof nor a client certificate (FAPI 2.0 Security Profile §5.3.2.1)', async () => {
    const key = await clientKey('ES256');
    const reg = await registerClient({
      token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, client_profile: 'fapi2',
      grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read',
    });
    const body = async () => ({ grant_type: 'client_credentials', client_id: reg.client_id, client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await clientAssertion(reg.client_id, key) });
    expect(await errorOf(await call('/token', form(await body())))).toMatchObject({ status: 400, error: 'invalid_request' });
    const res = await call('/token', { ...form(await body()), headers: { 'content-type': 'application/x-www-form-urlencoded', dpop: await dpopProof(await dpopKey(), '/token') } });
    expect(res.status).toBe(200);
    expect((await res.json<{ token_type: string }>()).token_type).toBe('DPoP');
  });

  it('refuses non-boolean sender-constraint metadata at registration (RFC 7591 §2, RFC 9449 §5.2, RFC 8705 §3.4)', async () => {
    for (const field of ['dpop_bound_access_tokens', 'tls_client_certificate_bound_access_tokens']) {
      await expect(registerClient({ [field]: 'yes' })).rejects.toThrow(/invalid_client_metadata/);
    }
  });
});
