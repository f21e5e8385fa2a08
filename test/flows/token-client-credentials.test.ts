import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { rpClient } from '../helpers/grant';
import { discover, viaWorker } from '../helpers/rp';
import { ISSUER } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

const cc = (scope = 'api:read api:write') => ({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope });

describe('client_credentials grant (RFC 6749 §4.4)', () => {
  it('issues an access token only, for the client itself, with its registered scope by default (RFC 6749 §4.4.3, RFC 9068 §2.2)', async () => {
    const as = await discover();
    const rp = await rpClient(cc());
    const res = await oauth.clientCredentialsGrantRequest(as, rp.client, rp.auth, {}, viaWorker);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await oauth.processClientCredentialsResponse(as, rp.client, res);
    expect(body.scope).toBe('api:read api:write');
    expect(body.refresh_token).toBeUndefined();
    expect(body.id_token).toBeUndefined();
    const claims = decodeJwt(body.access_token);
    expect(claims).toMatchObject({ iss: ISSUER, sub: rp.client_id, client_id: rp.client_id, scope: 'api:read api:write' });
    expect(claims.grant).toBeUndefined();
  });

  it('grants a requested subset of the registered scope (RFC 6749 §3.3)', async () => {
    const as = await discover();
    const rp = await rpClient(cc());
    const body = await oauth.processClientCredentialsResponse(as, rp.client, await oauth.clientCredentialsGrantRequest(as, rp.client, rp.auth, { scope: 'api:read' }, viaWorker));
    expect(body.scope).toBe('api:read');
  });

  it('refuses a scope beyond the registered one as invalid_scope (RFC 6749 §5.2)', async () => {
    const as = await discover();
    const rp = await rpClient(cc());
    expect(await errorOf(await oauth.clientCredentialsGrantRequest(as, rp.client, rp.auth, { scope: 'api:admin' }, viaWorker))).toMatchObject({ status: 400, error: 'invalid_scope' });
  });

  it('refuses openid: there is no end-user (RFC 6749 §4.4, OpenID Connect Core §3.1.2.1)', async () => {
    const as = await discover();
    const rp = await rpClient(cc('openid api:read'));
    expect(await errorOf(await oauth.clientCredentialsGrantRequest(as, rp.client, rp.auth, { scope: 'openid' }, viaWorker))).toMatchObject({ status: 400, error: 'invalid_scope' });
    const body = await oauth.processClientCredentialsResponse(as, rp.client, await oauth.clientCredentialsGrantRequest(as, rp.client, rp.auth, {}, viaWorker));
    expect(body.scope).toBe('api:read');
  });

  it('refuses a client not registered for client_credentials as unauthorized_client (RFC 6749 §5.2)', async () => {
    const as = await discover();
    const rp = await rpClient({ grant_types: ['authorization_code'] });
    expect(await errorOf(await oauth.clientCredentialsGrantRequest(as, rp.client, rp.auth, {}, viaWorker))).toMatchObject({ status: 400, error: 'unauthorized_client' });
  });

  it('refuses a public client (RFC 6749 §4.4: confidential clients only)', async () => {
    const as = await discover();
    const rp = await rpClient({ token_endpoint_auth_method: 'none' });
    expect(await errorOf(await oauth.clientCredentialsGrantRequest(as, rp.client, rp.auth, {}, viaWorker))).toMatchObject({ status: 400, error: 'unauthorized_client' });
  });

  it('gives a client credentials token no access to UserInfo: insufficient_scope 403 (RFC 6750 §3.1)', async () => {
    const as = await discover();
    const rp = await rpClient(cc());
    const body = await oauth.processClientCredentialsResponse(as, rp.client, await oauth.clientCredentialsGrantRequest(as, rp.client, rp.auth, {}, viaWorker));
    const res = await oauth.userInfoRequest(as, rp.client, body.access_token, viaWorker);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
  });
});
