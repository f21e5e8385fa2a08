import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createUser, registerClient } from '../helpers/admin';
import { clientKey } from '../helpers/jwt';
import { authorizeUrl, callbackOf, loginAndConsent, newBrowser, parseForm, postForm, visit } from '../helpers/interaction';
import { discover, pkce } from '../helpers/rp';
import { ISSUER } from '../helpers/worker';

const REDIRECT = 'https://rp.example/cb';

describe('/authorize without PAR, for clients that do not require it (RFC 6749 §4.1.1, RFC 9126 §5)', () => {
  it('accepts plain query parameters from a public client with PKCE (RFC 6749 §4.1.1, RFC 7636 §4.3)', async () => {
    const as = await discover();
    const reg = await registerClient({ token_endpoint_auth_method: 'none' });
    const user = await createUser();
    const state = oauth.generateRandomState();
    const url = authorizeUrl({
      client_id: reg.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid email', state,
      code_challenge: (await pkce()).code_challenge, code_challenge_method: 'S256',
      redirect_to_ignore: 'x', // unknown parameters are ignored (RFC 6749 §3.1)
    });
    const cb = await loginAndConsent(url, user);
    expect(oauth.validateAuthResponse(as, { client_id: reg.client_id }, cb.url, state).get('code')).toBeTruthy();
  });

  it('accepts the request as a POST form (OpenID Connect Core §3.1.2.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const user = await createUser();
    const browser = newBrowser();
    const page = await postForm(browser, '/authorize', { client_id: reg.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'post-state' });
    expect(page.status).toBe(200);
    const login = parseForm(await page.text());
    const afterLogin = await postForm(browser, login.action, { ...login.fields, username: user.username, password: user.password });
    const consent = parseForm(await (await visit(browser, new URL(afterLogin.headers.get('location')!, ISSUER))).text());
    const cb = await callbackOf(await postForm(browser, consent.action, { ...consent.fields, decision: 'allow' }));
    expect(cb!.params.get('state')).toBe('post-state');
    expect(cb!.params.get('code')).toBeTruthy();
  });

  it('accepts a signed request object and uses only its parameters (RFC 9101 §5, §6.3)', async () => {
    const as = await discover();
    const key = await clientKey('ES256');
    const reg = await registerClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } });
    const client = { client_id: reg.client_id };
    const user = await createUser();
    const state = oauth.generateRandomState();
    const inner = new URLSearchParams({ response_type: 'code', redirect_uri: REDIRECT, scope: 'openid profile', state, nonce: 'n' });
    const request = await oauth.issueRequestObject(as, client, inner, { key: key.privateKey, kid: key.kid });
    const cb = await loginAndConsent(authorizeUrl({ client_id: reg.client_id, request, state: 'outer-ignored' }), user);
    expect(oauth.validateAuthResponse(as, client, cb.url, state).get('code')).toBeTruthy();
  });

  it('uses the only registered redirect_uri when a non-OpenID request omits it (RFC 6749 §3.1.2.3)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const user = await createUser();
    const cb = await loginAndConsent(authorizeUrl({ client_id: reg.client_id, response_type: 'code', scope: 'profile', state: 's1' }), user);
    expect(cb.url.origin + cb.url.pathname).toBe(REDIRECT);
    expect(cb.params.get('iss')).toBe(ISSUER);
  });

  it('keeps the query of a registered redirect_uri when appending the response (RFC 6749 §3.1.2)', async () => {
    const redirect_uri = 'https://rp.example/cb?tenant=a%20b';
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', redirect_uris: [redirect_uri] });
    const user = await createUser();
    const cb = await loginAndConsent(authorizeUrl({ client_id: reg.client_id, response_type: 'code', redirect_uri, scope: 'openid', state: 's2' }), user);
    expect(cb.url.href.startsWith(`${redirect_uri}&code=`)).toBe(true);
  });
});
