import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { unsignedJwt } from '../helpers/jwt';
import { issueCode, redeem, rpClient } from '../helpers/grant';
import { discover, viaWorker } from '../helpers/rp';
import { call, ISSUER } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

async function accessToken(scope: string, data: Record<string, unknown> = {}) {
  const as = await discover();
  const rp = await rpClient();
  const openid = scope.split(' ').includes('openid');
  const issued = await issueCode({ client_id: rp.client_id, scope, data, nonce: openid ? undefined : null });
  const tokens = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), openid ? { expectedNonce: issued.nonce } : {});
  return { as, rp, issued, token: tokens.access_token };
}

const bearer = (token: string) => ({ headers: { authorization: `Bearer ${token}` } });

describe('UserInfo endpoint (OpenID Connect Core §5.3, RFC 6750)', () => {
  it('returns sub and the profile and email claims for those scopes, with oauth4webapi (OpenID Connect Core §5.3.2, §5.4)', async () => {
    const { as, rp, issued, token } = await accessToken('openid profile email');
    const res = await oauth.userInfoRequest(as, rp.client, token, viaWorker);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const claims = await oauth.processUserInfoResponse(as, rp.client, issued.sub, res);
    expect(claims).toEqual({
      sub: issued.sub, name: 'Ada Lovelace', given_name: 'Ada', family_name: 'Lovelace', preferred_username: 'ada',
      email: 'ada@example.org', email_verified: true,
    });
  });

  it('returns only sub for scope openid alone (OpenID Connect Core §5.4)', async () => {
    const { token, issued } = await accessToken('openid');
    expect(await (await call('/userinfo', bearer(token))).json()).toEqual({ sub: issued.sub });
  });

  it('maps address and phone scopes (OpenID Connect Core §5.4)', async () => {
    const { token, issued } = await accessToken('openid address phone');
    expect(await (await call('/userinfo', bearer(token))).json()).toEqual({
      sub: issued.sub, address: { country: 'GB', locality: 'London' }, phone_number: '+44 20 7946 0000',
    });
  });

  it('adds claims requested through claims.userinfo (OpenID Connect Core §5.5)', async () => {
    const { token } = await accessToken('openid', { claims: JSON.stringify({ userinfo: { email: { essential: true }, website: null } }) });
    const body = (await (await call('/userinfo', bearer(token))).json()) as Record<string, unknown>;
    expect(body.email).toBe('ada@example.org');
    expect(body).not.toHaveProperty('website');
    expect(body).not.toHaveProperty('name');
  });

  it('accepts the token in a form-encoded POST body (RFC 6750 §2.2)', async () => {
    const { token, issued } = await accessToken('openid');
    const res = await call('/userinfo', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `access_token=${token}` });
    expect(await res.json()).toEqual({ sub: issued.sub });
  });

  it('refuses a token sent in both header and body as invalid_request (RFC 6750 §2)', async () => {
    const { token } = await accessToken('openid');
    const res = await call('/userinfo', { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' }, body: `access_token=${token}` });
    expect(res.status).toBe(400);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"');
  });

  it('refuses a token in the URI query (RFC 6750 §2.3)', async () => {
    const { token } = await accessToken('openid');
    const res = await call(`/userinfo?access_token=${token}`);
    expect(res.status).toBe(400);
  });

  it('answers 401 with bare Bearer and DPoP challenges and no error when no token is sent (RFC 6750 §3.1, RFC 9449 §7.1)', async () => {
    const res = await call('/userinfo');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${ISSUER}", DPoP realm="${ISSUER}", algs="ES256 ES384 EdDSA PS256 PS384 RS256 RS384"`);
  });

  it('answers 401 invalid_token for a forged, unsigned or garbage token (RFC 6750 §3.1, RFC 8725 §2.1)', async () => {
    const { token } = await accessToken('openid');
    const [h, p] = token.split('.');
    for (const bad of [`${h}.${p}.AAAA`, unsignedJwt({ iss: ISSUER, sub: 'x' }), 'garbage']) {
      const res = await call('/userinfo', bearer(bad));
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="https:\/\/op\.example", error="invalid_token", error_description="[^"]+"$/);
      expect((await errorOf(res)).error).toBe('invalid_token');
    }
  });

  it('refuses an ID token used as an access token (RFC 9068 §4: typ at+jwt)', async () => {
    const as = await discover();
    const rp = await rpClient();
    const issued = await issueCode({ client_id: rp.client_id });
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
    expect((await call('/userinfo', bearer(tokens.id_token!))).status).toBe(401);
  });

  it('answers 403 insufficient_scope for a token without openid (RFC 6750 §3.1)', async () => {
    const { token } = await accessToken('profile');
    const res = await call('/userinfo', bearer(token));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });

  it('answers 401 invalid_token for a revoked access token at once (RFC 7009 §2, RFC 6750 §3.1)', async () => {
    const { as, rp, token } = await accessToken('openid');
    expect((await oauth.revocationRequest(as, rp.client, rp.auth, token, viaWorker)).status).toBe(200);
    const res = await call('/userinfo', bearer(token));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('allows cross-origin calls: preflight and response headers (OpenID Connect Core §5.3)', async () => {
    const pre = await call('/userinfo', { method: 'OPTIONS', headers: { origin: 'https://spa.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
    expect(pre.status).toBe(204);
    expect(pre.headers.get('access-control-allow-origin')).toBe('*');
    expect(pre.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const res = await call('/userinfo', { headers: { origin: 'https://spa.example' } });
    expect(res.headers.get('access-control-allow-origin')).toBe('*');
    expect(res.headers.get('access-control-expose-headers')).toContain('WWW-Authenticate');
    const refused = await call('/userinfo', { headers: { origin: 'https://spa.example', authorization: 'Bearer garbage' } });
    expect(refused.status).toBe(401);
    expect(refused.headers.get('access-control-allow-origin')).toBe('*');
  });

  it('answers 405 with Allow: GET, POST for other methods (RFC 9110 §15.5.6)', async () => {
    const res = await call('/userinfo', { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
  });
});
