import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { issueCode, redeem, rpClient, type RpClient } from '../helpers/grant';
import { discover, viaWorker } from '../helpers/rp';
import { registerClient } from '../helpers/admin';
import { call, form, ISSUER } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

async function tokensFor(rp: RpClient) {
  const as = await discover();
  const issued = await issueCode({ client_id: rp.client_id, scope: 'openid profile offline_access' });
  const tokens = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
  return { as, issued, tokens };
}

async function introspect(as: oauth.AuthorizationServer, rp: RpClient, token: string) {
  const res = await oauth.introspectionRequest(as, rp.client, rp.auth, token, viaWorker);
  expect(res.status).toBe(200);
  expect(res.headers.get('cache-control')).toBe('no-store');
  return res.json() as Promise<Record<string, unknown>>;
}

describe('token introspection (RFC 7662)', () => {
  it('describes an active access token with its RFC 7662 §2.2 members, via oauth4webapi', async () => {
    const rp = await rpClient();
    const { as, issued, tokens } = await tokensFor(rp);
    const res = await oauth.introspectionRequest(as, rp.client, rp.auth, tokens.access_token, viaWorker);
    const body = await oauth.processIntrospectionResponse(as, rp.client, res);
    expect(body).toMatchObject({
      active: true, token_type: 'Bearer', scope: 'openid profile offline_access', client_id: rp.client_id, sub: issued.sub,
      iss: ISSUER, aud: `${ISSUER}/userinfo`, sid: issued.data.sid,
    });
    expect(typeof body.exp).toBe('number');
    expect(typeof body.iat).toBe('number');
    expect(typeof body.jti).toBe('string');
    expect(body).not.toHaveProperty('grant');
  });

  it('describes an active refresh token (RFC 7662 §2.2)', async () => {
    const rp = await rpClient();
    const { as, issued, tokens } = await tokensFor(rp);
    expect(await introspect(as, rp, tokens.refresh_token!)).toMatchObject({ active: true, client_id: rp.client_id, sub: issued.sub, scope: 'openid profile offline_access', iss: ISSUER });
  });

  it('answers only {"active": false} for revoked, rotated, unknown and garbage tokens (RFC 7662 §2.2)', async () => {
    const rp = await rpClient();
    const { as, tokens } = await tokensFor(rp);
    const next = await oauth.processRefreshTokenResponse(as, rp.client, await oauth.refreshTokenGrantRequest(as, rp.client, rp.auth, tokens.refresh_token!, viaWorker));
    expect(await introspect(as, rp, tokens.refresh_token!)).toEqual({ active: false });
    await oauth.revocationRequest(as, rp.client, rp.auth, next.access_token, viaWorker);
    expect(await introspect(as, rp, next.access_token)).toEqual({ active: false });
    expect(await introspect(as, rp, tokens.access_token)).toMatchObject({ active: true });
    await oauth.revocationRequest(as, rp.client, rp.auth, next.refresh_token!, viaWorker);
    expect(await introspect(as, rp, tokens.access_token)).toEqual({ active: false });
    for (const junk of ['garbage', `${'a'.repeat(43)}.${'b'.repeat(43)}`, 'a.b.c']) {
      expect(await introspect(as, rp, junk)).toEqual({ active: false });
    }
  });

  it('hides another client\'s tokens: {"active": false} (RFC 7662 §4)', async () => {
    const owner = await rpClient();
    const other = await rpClient();
    const { as, tokens } = await tokensFor(owner);
    expect(await introspect(as, other, tokens.access_token)).toEqual({ active: false });
    expect(await introspect(as, other, tokens.refresh_token!)).toEqual({ active: false });
  });

  it('describes a client credentials token to its client (RFC 7662 §2.2)', async () => {
    const as = await discover();
    const rp = await rpClient({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' });
    const cc = await oauth.processClientCredentialsResponse(as, rp.client, await oauth.clientCredentialsGrantRequest(as, rp.client, rp.auth, {}, viaWorker));
    expect(await introspect(as, rp, cc.access_token)).toMatchObject({ active: true, client_id: rp.client_id, sub: rp.client_id, scope: 'api:read' });
  });

  it('refuses a public client as invalid_client (RFC 7662 §2.1)', async () => {
    const as = await discover();
    const rp = await rpClient({ token_endpoint_auth_method: 'none' });
    const res = await oauth.introspectionRequest(as, rp.client, rp.auth, 'anything', viaWorker);
    expect(res.status).toBe(401);
    expect((await errorOf(res)).error).toBe('invalid_client');
  });

  it('requires the token parameter (RFC 7662 §2.1) and POST', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_post' });
    const res = await call('/introspect', form({ client_id: reg.client_id, client_secret: reg.client_secret!, token_type_hint: 'access_token' }));
    expect(res.status).toBe(400);
    expect((await errorOf(res)).error).toBe('invalid_request');
    const get = await call('/introspect');
    expect(get.status).toBe(405);
    expect(get.headers.get('allow')).toBe('POST');
  });
});
