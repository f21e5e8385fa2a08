import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { clientKey } from '../helpers/jwt';
import { discover, pkce, viaWorker } from '../helpers/rp';

/** Happy paths through POST /par with panva's oauth4webapi as the client (RFC 9126 §2.1, §2.2). */
describe('PAR with oauth4webapi', () => {
  const params = async () => ({
    response_type: 'code',
    redirect_uri: 'https://rp.example/cb',
    scope: 'openid profile',
    state: 'st-' + crypto.randomUUID(),
    nonce: 'n-' + crypto.randomUUID(),
    code_challenge_method: 'S256',
    code_challenge: (await pkce()).code_challenge,
  });

  it('answers 201 with a request_uri and expires_in for client_secret_basic (RFC 9126 §2.2)', async () => {
    const as = await discover();
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const client = { client_id: reg.client_id };
    const res = await oauth.pushedAuthorizationRequest(as, client, oauth.ClientSecretBasic(reg.client_secret!), await params(), viaWorker);
    expect(res.status).toBe(201);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await oauth.processPushedAuthorizationResponse(as, client, res);
    expect(body.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
    expect(body.expires_in).toBe(60);
  });

  it('accepts client_secret_post (RFC 6749 §2.3.1)', async () => {
    const as = await discover();
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_post' });
    const client = { client_id: reg.client_id };
    const res = await oauth.pushedAuthorizationRequest(as, client, oauth.ClientSecretPost(reg.client_secret!), await params(), viaWorker);
    expect((await oauth.processPushedAuthorizationResponse(as, client, res)).expires_in).toBe(60);
  });

  it('accepts client_secret_jwt (RFC 7523 §2.2, OIDC Core §9)', async () => {
    const as = await discover();
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_jwt' });
    const client = { client_id: reg.client_id };
    const res = await oauth.pushedAuthorizationRequest(as, client, oauth.ClientSecretJwt(reg.client_secret!), await params(), viaWorker);
    expect((await oauth.processPushedAuthorizationResponse(as, client, res)).request_uri).toContain('request_uri');
  });

  it('accepts private_key_jwt (RFC 7523 §2.2)', async () => {
    const as = await discover();
    const key = await clientKey('ES256');
    const reg = await registerClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } });
    const client = { client_id: reg.client_id };
    const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
    const res = await oauth.pushedAuthorizationRequest(as, client, auth, await params(), viaWorker);
    expect((await oauth.processPushedAuthorizationResponse(as, client, res)).expires_in).toBe(60);
  });

  it('accepts a public client with PKCE (RFC 9126 §2, RFC 7636)', async () => {
    const as = await discover();
    const reg = await registerClient({ token_endpoint_auth_method: 'none' });
    const client = { client_id: reg.client_id };
    const res = await oauth.pushedAuthorizationRequest(as, client, oauth.None(), await params(), viaWorker);
    expect((await oauth.processPushedAuthorizationResponse(as, client, res)).expires_in).toBe(60);
  });

  it('accepts a signed request object as the whole request (RFC 9126 §3, RFC 9101)', async () => {
    const as = await discover();
    const key = await clientKey('ES256');
    const reg = await registerClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } });
    const client = { client_id: reg.client_id };
    const request = await oauth.issueRequestObject(as, client, new URLSearchParams(await params()), { key: key.privateKey, kid: key.kid });
    const auth = oauth.PrivateKeyJwt({ key: key.privateKey, kid: key.kid });
    const res = await oauth.pushedAuthorizationRequest(as, client, auth, { request }, viaWorker);
    expect((await oauth.processPushedAuthorizationResponse(as, client, res)).expires_in).toBeLessThanOrEqual(60);
  });
});
