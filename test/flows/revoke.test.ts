import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { issueCode, redeem, rpClient, type RpClient } from '../helpers/grant';
import { discover, viaWorker } from '../helpers/rp';
import { registerClient } from '../helpers/admin';
import { basic, call } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

async function tokensFor(rp: RpClient) {
  const as = await discover();
  const issued = await issueCode({ client_id: rp.client_id, scope: 'openid offline_access' });
  const tokens = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
  return { as, tokens };
}

const userinfoStatus = async (as: oauth.AuthorizationServer, rp: RpClient, token: string) => (await oauth.userInfoRequest(as, rp.client, token, viaWorker)).status;
const refreshStatus = async (as: oauth.AuthorizationServer, rp: RpClient, token: string) => (await oauth.refreshTokenGrantRequest(as, rp.client, rp.auth, token, viaWorker)).status;

describe('token revocation (RFC 7009)', () => {
  it('revokes a refresh token and with it the grant\'s access tokens (RFC 7009 §2.1)', async () => {
    const rp = await rpClient();
    const { as, tokens } = await tokensFor(rp);
    const res = await oauth.revocationRequest(as, rp.client, rp.auth, tokens.refresh_token!, { ...viaWorker, additionalParameters: { token_type_hint: 'refresh_token' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    await oauth.processRevocationResponse(res);
    expect(await refreshStatus(as, rp, tokens.refresh_token!)).toBe(400);
    expect(await userinfoStatus(as, rp, tokens.access_token)).toBe(401);
  });

  it('revokes one access token and leaves the grant alive (RFC 7009 §2.1)', async () => {
    const rp = await rpClient({ token_endpoint_auth_method: 'client_secret_post' });
    const { as, tokens } = await tokensFor(rp);
    expect((await oauth.revocationRequest(as, rp.client, rp.auth, tokens.access_token, viaWorker)).status).toBe(200);
    expect(await userinfoStatus(as, rp, tokens.access_token)).toBe(401);
    const next = await oauth.processRefreshTokenResponse(as, rp.client, await oauth.refreshTokenGrantRequest(as, rp.client, rp.auth, tokens.refresh_token!, viaWorker));
    expect(await userinfoStatus(as, rp, next.access_token)).toBe(200);
  });

  it('treats token_type_hint as a hint only (RFC 7009 §2.1)', async () => {
    const rp = await rpClient();
    const { as, tokens } = await tokensFor(rp);
    await oauth.revocationRequest(as, rp.client, rp.auth, tokens.access_token, { ...viaWorker, additionalParameters: { token_type_hint: 'refresh_token' } });
    expect(await userinfoStatus(as, rp, tokens.access_token)).toBe(401);
  });

  it('lets a public client revoke its own refresh token (RFC 7009 §2.1)', async () => {
    const rp = await rpClient({ token_endpoint_auth_method: 'none' });
    const { as, tokens } = await tokensFor(rp);
    expect((await oauth.revocationRequest(as, rp.client, rp.auth, tokens.refresh_token!, viaWorker)).status).toBe(200);
    expect(await refreshStatus(as, rp, tokens.refresh_token!)).toBe(400);
  });

  it('answers 200 and changes nothing for another client\'s tokens (RFC 7009 §2.1, §5)', async () => {
    const owner = await rpClient();
    const other = await rpClient();
    const { as, tokens } = await tokensFor(owner);
    for (const token of [tokens.access_token, tokens.refresh_token!]) {
      const res = await oauth.revocationRequest(as, other.client, other.auth, token, viaWorker);
      expect(res.status).toBe(200);
    }
    expect(await userinfoStatus(as, owner, tokens.access_token)).toBe(200);
    expect(await refreshStatus(as, owner, tokens.refresh_token!)).toBe(200);
  });

  it('answers 200 for an unknown or malformed token (RFC 7009 §2.2)', async () => {
    const rp = await rpClient();
    const as = await discover();
    for (const token of ['garbage', `${'a'.repeat(43)}.${'b'.repeat(43)}`, 'a.b.c']) {
      expect((await oauth.revocationRequest(as, rp.client, rp.auth, token, viaWorker)).status).toBe(200);
    }
  });

  it('requires client authentication and the token parameter (RFC 7009 §2.1, §2.2.1)', async () => {
    const rp = await rpClient();
    const { tokens } = await tokensFor(rp);
    const anonymous = await call('/revoke', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: `token=${tokens.refresh_token}&client_id=${rp.client_id}` });
    expect(anonymous.status).toBe(401);
    expect((await errorOf(anonymous)).error).toBe('invalid_client');
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const noToken = await call('/revoke', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(reg.client_id, reg.client_secret!) }, body: 'token_type_hint=access_token' });
    expect(noToken.status).toBe(400);
    expect((await errorOf(noToken)).error).toBe('invalid_request');
  });

  it('answers 405 with Allow: POST to GET (RFC 7009 §2.1)', async () => {
    const res = await call('/revoke');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});
