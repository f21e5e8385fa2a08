import { createLocalJWKSet, decodeJwt, jwtVerify, type JSONWebKeySet } from 'jose';
import * as oauth from 'oauth4webapi';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, registerClient, type RegisteredClient } from '../helpers/admin';
import { registerApi, type RegisteredApi } from '../helpers/apis';
import { authorizeUrl, loginAndConsent, newBrowser, parseForm, postForm, visit } from '../helpers/interaction';
import { clientKey, requestObject } from '../helpers/jwt';
import { appWith, storedRequest } from '../helpers/par';
import { discover, pkce, viaWorker } from '../helpers/rp';
import { basic, call, ISSUER } from '../helpers/worker';

const REDIRECT = 'https://rp.example/cb';
let orders: RegisteredApi;
let stock: RegisteredApi;
let client: RegisteredClient;

beforeAll(async () => {
  [orders, stock] = await Promise.all([registerApi('orders'), registerApi('stock')]);
  client = await registerClient({
    token_endpoint_auth_method: 'client_secret_basic',
    grant_types: ['authorization_code', 'refresh_token', 'client_credentials'],
    scope: 'openid profile offline_access orders:read orders:write stock:read',
  });
});

function post(path: string, params: Array<[string, string]>, who: { client_id: string; client_secret?: string } = client): Promise<Response> {
  return call(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(who.client_id, who.client_secret!) },
    body: new URLSearchParams(params).toString(),
  });
}

function resources(...identifiers: string[]): Array<[string, string]> {
  return identifiers.map((r) => ['resource', r]);
}

async function push(scope: string, extra: Array<[string, string]>, code_challenge: string): Promise<Response> {
  return post('/par', [
    ['response_type', 'code'], ['redirect_uri', REDIRECT], ['scope', scope], ['code_challenge', code_challenge], ['code_challenge_method', 'S256'], ...extra,
  ]);
}

/** PAR with `resource`, login and consent, and the code exchange with oauth4webapi (RFC 8707 §2.1, §2.2). */
async function tokensFor(scope: string, granted: string[], tokenResource?: string) {
  const { code_verifier, code_challenge } = await pkce();
  const res = await push(scope, resources(...granted), code_challenge);
  expect(res.status).toBe(201);
  const { request_uri } = await res.json<{ request_uri: string }>();
  const callback = await loginAndConsent(authorizeUrl({ client_id: client.client_id, request_uri }), await createUser());
  const as = await discover();
  const rp = { client_id: client.client_id };
  const params = oauth.validateAuthResponse(as, rp, callback.params, oauth.skipStateCheck);
  const response = await oauth.authorizationCodeGrantRequest(as, rp, oauth.ClientSecretBasic(client.client_secret!), params, REDIRECT, code_verifier, {
    ...viaWorker, ...(tokenResource && { additionalParameters: { resource: tokenResource } }),
  });
  return { as, rp, response };
}

async function errorOf(res: Response): Promise<string> {
  expect(res.status).toBe(400);
  return (await res.json<{ error: string }>()).error;
}

function introspect(token: string, who: { client_id: string; client_secret?: string }, accept?: string): Promise<Response> {
  return call('/introspect', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(who.client_id, who.client_secret!), ...(accept && { accept }) },
    body: new URLSearchParams({ token }).toString(),
  });
}

describe('resource parameter syntax (RFC 8707 §2)', () => {
  it('refuses a relative URI with invalid_target at PAR (RFC 8707 §2)', async () => {
    expect(await errorOf(await push('orders:read', resources('/orders'), (await pkce()).code_challenge))).toBe('invalid_target');
  });

  it('refuses a URI with a fragment with invalid_target at PAR (RFC 8707 §2)', async () => {
    expect(await errorOf(await push('orders:read', resources(`${orders.identifier}#x`), (await pkce()).code_challenge))).toBe('invalid_target');
  });

  it('refuses one value holding two URIs with invalid_target instead of reading it as two (RFC 8707 §2)', async () => {
    const joined = `${orders.identifier} ${stock.identifier}`;
    expect(await errorOf(await push('orders:read stock:read', resources(joined), (await pkce()).code_challenge))).toBe('invalid_target');
  });

  it('refuses an unregistered resource with invalid_target (RFC 8707 §2)', async () => {
    expect(await errorOf(await push('orders:read', resources('https://unknown.api.example/'), (await pkce()).code_challenge))).toBe('invalid_target');
  });

  it('refuses a resource the client may not request with invalid_target (RFC 8707 §2)', async () => {
    const narrow = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', scope: 'openid orders:read' });
    const res = await post('/par', [
      ['response_type', 'code'], ['redirect_uri', REDIRECT], ['scope', 'openid'], ['code_challenge', (await pkce()).code_challenge],
      ['code_challenge_method', 'S256'], ...resources(stock.identifier),
    ], narrow);
    expect(await errorOf(res)).toBe('invalid_target');
  });

  it('redirects invalid_target from a plain /authorize request to the client (RFC 8707 §2, RFC 6749 §4.1.2.1)', async () => {
    const url = new URL('/authorize', ISSUER);
    const { code_challenge } = await pkce();
    const pub = await registerClient({ token_endpoint_auth_method: 'none', scope: 'openid orders:read' });
    for (const [k, v] of Object.entries({ response_type: 'code', client_id: pub.client_id, redirect_uri: REDIRECT, scope: 'orders:read', code_challenge, code_challenge_method: 'S256', state: 'st' })) {
      url.searchParams.set(k, v);
    }
    url.searchParams.append('resource', 'urn:not-registered');
    const res = await visit(newBrowser(), url);
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_target');
    expect(location.searchParams.get('state')).toBe('st');
  });

  it('refuses a requested API scope whose API is not among the resources with invalid_scope (RFC 8707 §2)', async () => {
    expect(await errorOf(await push('orders:read stock:read', resources(orders.identifier), (await pkce()).code_challenge))).toBe('invalid_scope');
  });

  it('still refuses any other repeated parameter (RFC 6749 §3.1); resource is the one that may repeat (RFC 8707 §2)', async () => {
    const { code_challenge } = await pkce();
    expect(await errorOf(await push('orders:read', [['state', 'a'], ['state', 'b'], ...resources(orders.identifier, stock.identifier)], code_challenge))).toBe('invalid_request');
  });
});

describe('audience-restricted access tokens (RFC 8707 §2.2, RFC 9068 §3)', () => {
  it('issues a token whose aud is the resource and whose scope holds only its scopes (RFC 8707 §2.2)', async () => {
    const { as, rp, response } = await tokensFor('openid orders:read', [orders.identifier]);
    const body = await oauth.processAuthorizationCodeResponse(as, rp, response, { expectedNonce: oauth.expectNoNonce });
    const claims = decodeJwt(body.access_token);
    expect(claims.aud).toBe(orders.identifier);
    expect(claims.scope).toBe('orders:read');
    expect(body.scope).toBe('orders:read');
    expect(body.id_token).toBeDefined();
  });

  it('leaves out the scopes of another granted resource and lets /token name one of them (RFC 8707 §2.2)', async () => {
    const { as, rp, response } = await tokensFor('orders:read stock:read', [orders.identifier, stock.identifier], stock.identifier);
    const body = await oauth.processAuthorizationCodeResponse(as, rp, response);
    const claims = decodeJwt(body.access_token);
    expect(claims.aud).toBe(stock.identifier);
    expect(claims.scope).toBe('stock:read');
  });

  it('refuses at /token a resource that was not granted with invalid_target (RFC 8707 §2.2)', async () => {
    const { response } = await tokensFor('orders:read', [orders.identifier], stock.identifier);
    expect(await errorOf(response)).toBe('invalid_target');
  });

  it('narrows a refresh to one granted resource, without costing the refresh token on refusal (RFC 8707 §2.2, RFC 6749 §6)', async () => {
    const { as, rp, response } = await tokensFor('orders:read stock:read', [orders.identifier, stock.identifier]);
    const first = await oauth.processAuthorizationCodeResponse(as, rp, response);
    expect(decodeJwt(first.access_token).aud).toBe(orders.identifier);
    const refused = await post('/token', [['grant_type', 'refresh_token'], ['refresh_token', first.refresh_token!], ['resource', 'https://unknown.api.example/']]);
    expect(await errorOf(refused)).toBe('invalid_target');
    const refreshed = await oauth.refreshTokenGrantRequest(as, rp, oauth.ClientSecretBasic(client.client_secret!), first.refresh_token!, {
      ...viaWorker, additionalParameters: { resource: stock.identifier },
    });
    const second = await oauth.processRefreshTokenResponse(as, rp, refreshed);
    const claims = decodeJwt(second.access_token);
    expect(claims.aud).toBe(stock.identifier);
    expect(claims.scope).toBe('stock:read');
  });

  it('keeps the resources of a pushed request until the code exchange (RFC 8707 §2.1, RFC 9126 §4)', async () => {
    const { as, rp, response } = await tokensFor('openid orders:write', [orders.identifier]);
    const body = await oauth.processAuthorizationCodeResponse(as, rp, response, { expectedNonce: oauth.expectNoNonce });
    expect(decodeJwt(body.access_token)).toMatchObject({ aud: orders.identifier, scope: 'orders:write', iss: ISSUER });
  });

  it('keeps the UserInfo endpoint as the audience without resource (RFC 9068 §3)', async () => {
    const { as, rp, response } = await tokensFor('openid profile', []);
    const body = await oauth.processAuthorizationCodeResponse(as, rp, response, { expectedNonce: oauth.expectNoNonce });
    expect(decodeJwt(body.access_token)).toMatchObject({ aud: `${ISSUER}/userinfo`, scope: 'openid profile' });
  });

  it('takes resources from a request object as an array, and refuses a malformed member (RFC 9101 §4, RFC 8707 §2)', async () => {
    const key = await clientKey('ES256');
    const own = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', jwks: { keys: [key.publicJwk] }, scope: 'orders:read stock:read' });
    const claims = { response_type: 'code', redirect_uri: REDIRECT, scope: 'orders:read stock:read', code_challenge: (await pkce()).code_challenge, code_challenge_method: 'S256' };
    const ok = await post('/par', [['request', await requestObject(own.client_id, key, { ...claims, resource: [orders.identifier, stock.identifier] })]], own);
    expect(ok.status).toBe(201);
    const stored = await storedRequest((await ok.json<{ request_uri: string }>()).request_uri);
    expect(stored?.request.resource).toBe(`${orders.identifier} ${stock.identifier}`);
    const bad = await post('/par', [['request', await requestObject(own.client_id, key, { ...claims, resource: [orders.identifier, 'relative/path'] })]], own);
    expect(await errorOf(bad)).toBe('invalid_target');
  });

  it('makes DEFAULT_RESOURCE the audience of a request without resource beyond OpenID scopes (RFC 8707 §2, RFC 9068 §3)', async () => {
    const send = appWith({ DEFAULT_RESOURCE: orders.identifier });
    const token = async (scope: string) => {
      const res = await send('/token', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, client.client_secret!) },
        body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
      });
      expect(res.status).toBe(200);
      return decodeJwt((await res.json<{ access_token: string }>()).access_token);
    };
    expect(await token('orders:read stock:read')).toMatchObject({ aud: orders.identifier, scope: 'orders:read' });
  });

  it('issues a client_credentials token for one resource with only its scopes (RFC 8707 §2.2, RFC 6749 §4.4)', async () => {
    const as = await discover();
    const rp = { client_id: client.client_id };
    const params = new URLSearchParams({ resource: orders.identifier });
    const res = await oauth.clientCredentialsGrantRequest(as, rp, oauth.ClientSecretBasic(client.client_secret!), params, viaWorker);
    const body = await oauth.processClientCredentialsResponse(as, rp, res);
    expect(decodeJwt(body.access_token)).toMatchObject({ aud: orders.identifier, scope: 'orders:read orders:write', sub: client.client_id });
    const wrong = await post('/token', [['grant_type', 'client_credentials'], ['scope', 'stock:read'], ['resource', orders.identifier]]);
    expect(await errorOf(wrong)).toBe('invalid_scope');
    const two = await post('/token', [['grant_type', 'client_credentials'], ...resources(orders.identifier, stock.identifier)]);
    expect(await errorOf(two)).toBe('invalid_target');
  });
});

describe('introspection for the API a token is meant for (RFC 7662 §2, RFC 8707 §2, RFC 9701)', () => {
  let token: string;
  beforeAll(async () => {
    const res = await post('/token', [['grant_type', 'client_credentials'], ['resource', orders.identifier]]);
    token = (await res.json<{ access_token: string }>()).access_token;
  });

  it('is active for the API in its aud and inactive for another API (RFC 7662 §2.2, RFC 8707 §2)', async () => {
    const forOrders = await introspect(token, orders);
    expect(await forOrders.json()).toMatchObject({ active: true, aud: orders.identifier, scope: 'orders:read orders:write', client_id: client.client_id });
    const forStock = await introspect(token, stock);
    expect(await forStock.json()).toEqual({ active: false });
  });

  it('answers a signed JWT when the API asks for one (RFC 9701 §4, §5)', async () => {
    const res = await introspect(token, orders, 'application/token-introspection+jwt');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/token-introspection+jwt');
    const jwks = await (await call('/jwks')).json<JSONWebKeySet>();
    const { payload, protectedHeader } = await jwtVerify(await res.text(), createLocalJWKSet(jwks), {
      issuer: ISSUER, audience: orders.client_id, typ: 'token-introspection+jwt',
    });
    expect(protectedHeader.typ).toBe('token-introspection+jwt');
    expect(typeof payload.iat).toBe('number');
    expect(payload.token_introspection).toMatchObject({ active: true, aud: orders.identifier });
  });

  it('advertises the JWT introspection signing algorithm (RFC 9701 §7)', async () => {
    const metadata = await (await call('/.well-known/oauth-authorization-server')).json<Record<string, unknown>>();
    expect(metadata.introspection_signing_alg_values_supported).toEqual(['ES256']);
  });

  it('gives an API no token of its own: its credentials have no grant type (RFC 6749 §5.2)', async () => {
    const res = await post('/token', [['grant_type', 'client_credentials']], orders);
    expect(await errorOf(res)).toBe('unauthorized_client');
  });
});

describe('API scopes in the consent page and refresh policy', () => {
  it('shows an API scope by its registered description on the consent page (OpenID Connect Core §3.1.2.4, RFC 8707 §2)', async () => {
    const { code_challenge } = await pkce();
    const res = await push('openid orders:read', resources(orders.identifier), code_challenge);
    const { request_uri } = await res.json<{ request_uri: string }>();
    const user = await createUser();
    const browser = newBrowser();
    let page = await visit(browser, authorizeUrl({ client_id: client.client_id, request_uri }));
    while (page.status === 302 || page.status === 303) page = await visit(browser, new URL(page.headers.get('location')!, ISSUER));
    const login = parseForm(await page.text());
    page = await postForm(browser, login.action, { ...login.fields, username: user.username, password: user.password });
    while (page.status === 302 || page.status === 303) page = await visit(browser, new URL(page.headers.get('location')!, ISSUER));
    const html = await page.text();
    expect(html).toContain('name="decision"');
    expect(html).toContain('Read your orders');
    expect(html).toContain('orders API');
  });

  it('issues no refresh token for an API that does not allow refresh (RFC 6749 §1.5, RFC 8707 §2.2)', async () => {
    const noRefresh = await registerApi('norefresh', { allow_refresh: false });
    const own = await registerClient({
      token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], scope: 'norefresh:read',
    });
    const { code_verifier, code_challenge } = await pkce();
    const pushed = await post('/par', [
      ['response_type', 'code'], ['redirect_uri', REDIRECT], ['scope', 'norefresh:read'], ['code_challenge', code_challenge],
      ['code_challenge_method', 'S256'], ...resources(noRefresh.identifier),
    ], own);
    const { request_uri } = await pushed.json<{ request_uri: string }>();
    const callback = await loginAndConsent(authorizeUrl({ client_id: own.client_id, request_uri }), await createUser());
    const res = await post('/token', [
      ['grant_type', 'authorization_code'], ['code', callback.params.get('code')!], ['redirect_uri', REDIRECT], ['code_verifier', code_verifier],
    ], own);
    const body = await res.json<Record<string, unknown>>();
    expect(res.status).toBe(200);
    expect(decodeJwt(body.access_token as string).aud).toBe(noRefresh.identifier);
    expect(body.refresh_token).toBeUndefined();
  });
});
