import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { clientKey } from '../helpers/jwt';
import { issueCode, redeem, rpClient } from '../helpers/grant';
import { discover } from '../helpers/rp';
import { call, ISSUER } from '../helpers/worker';

async function serverKeys() {
  return createLocalJWKSet(await (await call('/jwks')).json());
}

/** OpenID Connect Core §3.1.3.6: at_hash is the left half of the alg-matched hash of the access token. */
async function expectedAtHash(accessToken: string, hash: 'SHA-256' | 'SHA-512'): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest(hash, new TextEncoder().encode(accessToken)));
  return btoa(String.fromCharCode(...digest.slice(0, digest.length / 2))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

describe('authorization_code grant with oauth4webapi (RFC 6749 §4.1.3, OpenID Connect Core §3.1.3)', () => {
  it('exchanges a code for client_secret_basic with no-store headers (RFC 6749 §2.3.1, §5.1)', async () => {
    const as = await discover();
    const rp = await rpClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const issued = await issueCode({ client_id: rp.client_id, scope: 'openid profile offline_access' });
    const res = await redeem(as, rp, issued);
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('pragma')).toBe('no-cache');
    const body = await oauth.processAuthorizationCodeResponse(as, rp.client, res, { expectedNonce: issued.nonce });
    expect(body.token_type).toBe('bearer');
    expect(body.expires_in).toBe(600);
    expect(body.scope).toBe('openid profile offline_access');
    expect(body.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
  });

  it('accepts client_secret_post (RFC 6749 §2.3.1)', async () => {
    const as = await discover();
    const rp = await rpClient({ token_endpoint_auth_method: 'client_secret_post' });
    const issued = await issueCode({ client_id: rp.client_id });
    const body = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
    expect(body.access_token).toBeTruthy();
  });

  it('accepts private_key_jwt (RFC 7523 §2.2)', async () => {
    const as = await discover();
    const key = await clientKey('ES256');
    const rp = await rpClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } }, key);
    const issued = await issueCode({ client_id: rp.client_id });
    const body = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
    expect(body.id_token).toBeTruthy();
  });

  it('accepts client_secret_jwt (RFC 7523 §2.2, OpenID Connect Core §9)', async () => {
    const as = await discover();
    const rp = await rpClient({ token_endpoint_auth_method: 'client_secret_jwt' });
    const issued = await issueCode({ client_id: rp.client_id });
    const body = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
    expect(body.id_token).toBeTruthy();
  });

  it('accepts a public client proving PKCE (RFC 6749 §3.2.1, RFC 7636 §4.5)', async () => {
    const as = await discover();
    const rp = await rpClient({ token_endpoint_auth_method: 'none' });
    const issued = await issueCode({ client_id: rp.client_id, scope: 'openid offline_access' });
    const body = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
    expect(body.refresh_token).toBeTruthy();
  });

  it('accepts a plain PKCE code when it was issued (RFC 7636 §4.2)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const issued = await issueCode({ client_id: rp.client_id, pkce: 'plain' });
    expect((await redeem(as, rp, issued)).status).toBe(200);
  });

  it('issues an RFC 9068 access token: typ at+jwt, ES256, iss, aud, sub, client_id, scope, jti, auth_time, sid (RFC 9068 §2)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const issued = await issueCode({ client_id: rp.client_id, scope: 'openid email' });
    const body = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
    const { payload, protectedHeader } = await jwtVerify(body.access_token, await serverKeys(), { typ: 'at+jwt', issuer: ISSUER, audience: `${ISSUER}/userinfo` });
    expect(protectedHeader.alg).toBe('ES256');
    expect(payload).toMatchObject({ sub: issued.sub, client_id: rp.client_id, scope: 'openid email', auth_time: issued.data.auth_time, sid: issued.data.sid, grant: issued.handle });
    expect(payload.exp! - payload.iat!).toBe(600);
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22}$/);
  });

  it('signs the ID token with RS256 by default and sets iss, sub, aud, azp, nonce, acr, amr, sid, at_hash (OpenID Connect Core §2, §3.1.3.6)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const issued = await issueCode({ client_id: rp.client_id });
    const body = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
    const { payload, protectedHeader } = await jwtVerify(body.id_token!, await serverKeys(), { issuer: ISSUER, audience: rp.client_id });
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'JWT' });
    expect(payload).toMatchObject({ sub: issued.sub, azp: rp.client_id, nonce: issued.nonce, acr: '1', amr: ['pwd'], sid: issued.data.sid });
    expect(payload.at_hash).toBe(await expectedAtHash(body.access_token, 'SHA-256'));
    expect(payload.auth_time).toBeUndefined();
    // §5.4: with an access token issued, profile claims are served by UserInfo, not the ID token.
    expect(payload.name).toBeUndefined();
  });

  it('omits nonce when the authorization request had none (OpenID Connect Core §3.1.3.6)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const issued = await issueCode({ client_id: rp.client_id, nonce: null });
    const body = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { requireIdToken: true });
    expect(decodeJwt(body.id_token!).nonce).toBeUndefined();
  });

  it('includes auth_time when max_age was requested (OpenID Connect Core §3.1.2.1)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const issued = await issueCode({ client_id: rp.client_id, data: { require_auth_time: true } });
    const body = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce, maxAge: 300 });
    expect(decodeJwt(body.id_token!).auth_time).toBe(issued.data.auth_time);
  });

  it('signs with the registered id_token_signed_response_alg; EdDSA at_hash uses SHA-512 (OpenID Connect Core §3.1.3.6, errata)', async () => {
    const as = await discover();
    for (const [alg, hash] of [['ES256', 'SHA-256'], ['PS256', 'SHA-256'], ['EdDSA', 'SHA-512']] as const) {
      const rp = await rpClient({ id_token_signed_response_alg: alg });
      const issued = await issueCode({ client_id: rp.client_id });
      const body = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
      expect(decodeProtectedHeader(body.id_token!).alg).toBe(alg);
      expect(decodeJwt(body.id_token!).at_hash).toBe(await expectedAtHash(body.access_token, hash));
    }
  });

  it('adds claims requested through claims.id_token (OpenID Connect Core §5.5)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const claims = JSON.stringify({ id_token: { email: { essential: true }, nickname: null, nonce: null } });
    const issued = await issueCode({ client_id: rp.client_id, scope: 'openid', data: { claims } });
    const body = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
    const payload = decodeJwt(body.id_token!);
    expect(payload.email).toBe('ada@example.org');
    expect(payload).not.toHaveProperty('nickname');
    expect(payload.nonce).toBe(issued.nonce);
  });

  it('issues no ID token for a plain OAuth 2.0 request, and a refresh token (RFC 6749 §4.1.4)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const issued = await issueCode({ client_id: rp.client_id, scope: 'profile' });
    const body = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued));
    expect(body.id_token).toBeUndefined();
    expect(body.refresh_token).toBeTruthy();
    expect(body.scope).toBe('profile');
  });
});
