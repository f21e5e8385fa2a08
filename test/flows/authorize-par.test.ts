import { compactDecrypt, exportJWK, generateKeyPair } from 'jose';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createUser, registerClient } from '../helpers/admin';
import { authorizeUrl, callbackOf, loginAndConsent, newBrowser, parseForm, postForm, pushRequest, visit } from '../helpers/interaction';
import { discover, pkce, viaWorker } from '../helpers/rp';
import { ISSUER } from '../helpers/worker';
import { expirePushedRequest } from '../helpers/storage-keys';

const REDIRECT = 'https://rp.example/cb';

async function setup(metadata: Record<string, unknown> = {}, extra: Record<string, string> = {}) {
  const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', client_name: 'Example RP', ...metadata });
  const user = await createUser();
  const state = `st-${crypto.randomUUID()}`;
  const request_uri = await pushRequest(reg, {
    response_type: 'code', redirect_uri: REDIRECT, scope: 'openid profile', state, nonce: 'n-1',
    code_challenge_method: 'S256', code_challenge: (await pkce()).code_challenge, ...extra,
  });
  return { reg, user, state, request_uri, client: { client_id: reg.client_id } as oauth.Client, url: authorizeUrl({ client_id: reg.client_id, request_uri }) };
}

describe('/authorize with a pushed request (RFC 9126 §4)', () => {
  it('returns code, state and iss in the query by default (RFC 6749 §4.1.2, RFC 9207 §2)', async () => {
    const as = await discover();
    const { client, user, state, url } = await setup();
    const cb = await loginAndConsent(url, user);
    expect(cb.url.origin + cb.url.pathname).toBe(REDIRECT);
    expect(cb.url.hash).toBe('');
    const params = oauth.validateAuthResponse(as, client, cb.url, state);
    expect(params.get('code')).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(cb.params.get('iss')).toBe(ISSUER);
  });

  it('returns the response in the fragment for response_mode=fragment (OAuth 2.0 Multiple Response Types §2.1)', async () => {
    const as = await discover();
    const { client, user, state, url } = await setup({}, { response_mode: 'fragment' });
    const cb = await loginAndConsent(url, user);
    expect(cb.url.search).toBe('');
    const params = oauth.validateAuthResponse(as, client, cb.params, state);
    expect(params.get('code')).toBeTruthy();
  });

  it('posts the response with an auto-submitting form for response_mode=form_post (Form Post Response Mode §2)', async () => {
    const as = await discover();
    const { client, user, state, url } = await setup({}, { response_mode: 'form_post' });
    const browser = newBrowser();
    const cb = await loginAndConsent(url, user, { browser });
    expect(cb.mode).toBe('form_post');
    expect(cb.url.href).toBe(REDIRECT);
    expect(oauth.validateAuthResponse(as, client, cb.params, state).get('code')).toBeTruthy();
  });

  it('serves the form_post page with a nonce-only script CSP and a noscript button (Form Post Response Mode §2, CSP3)', async () => {
    const { reg, user } = await setup();
    const browser = newBrowser();
    const state = 'fp-state';
    const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state, response_mode: 'form_post' });
    await loginAndConsent(authorizeUrl({ client_id: reg.client_id, request_uri }), user, { browser });
    // Now signed in with consent remembered: /authorize answers with the form_post page at once (SSO).
    const again = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state, response_mode: 'form_post' });
    const res = await visit(browser, authorizeUrl({ client_id: reg.client_id, request_uri: again }));
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeTruthy();
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("form-action 'self' https://rp.example");
    const html = await res.text();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toMatch(/<noscript>[\s\S]*<button type="submit">/);
  });

  for (const mode of ['jwt', 'query.jwt', 'fragment.jwt', 'form_post.jwt'] as const) {
    it(`returns a signed JARM response for response_mode=${mode} (JARM §2.3)`, async () => {
      const as = await discover();
      const { client, user, state, url } = await setup({ authorization_signed_response_alg: 'ES256' }, { response_mode: mode });
      const cb = await loginAndConsent(url, user);
      expect([...cb.params.keys()]).toEqual(['response']);
      expect(cb.mode).toBe(mode === 'form_post.jwt' ? 'form_post' : 'redirect');
      if (mode === 'fragment.jwt') expect(cb.url.hash).toContain('response=');
      if (mode === 'jwt' || mode === 'query.jwt') expect(cb.url.searchParams.has('response')).toBe(true);
      const params = await oauth.validateJwtAuthResponse(as, { ...client, authorization_signed_response_alg: 'ES256' }, cb.params, state, viaWorker);
      expect(params.get('code')).toBeTruthy();
    });
  }

  it('signs JARM with RS256 when the client registered no alg (JARM §3)', async () => {
    const as = await discover();
    const { client, user, state, url } = await setup({}, { response_mode: 'jwt' });
    const cb = await loginAndConsent(url, user);
    const header = JSON.parse(atob(cb.params.get('response')!.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/')));
    expect(header.alg).toBe('RS256');
    expect((await oauth.validateJwtAuthResponse(as, client, cb.params, state, viaWorker)).get('code')).toBeTruthy();
  });

  it('encrypts the JARM response to the client key when alg/enc are registered (JARM §2.3, RFC 7516)', async () => {
    const as = await discover();
    const { privateKey, publicKey } = await generateKeyPair('ECDH-ES', { extractable: true });
    const encJwk = { ...(await exportJWK(publicKey)), kid: 'enc-1', use: 'enc', alg: 'ECDH-ES' };
    const metadata = { jwks: { keys: [encJwk] }, authorization_encrypted_response_alg: 'ECDH-ES', authorization_encrypted_response_enc: 'A256GCM' };
    const { client, user, state, url } = await setup(metadata, { response_mode: 'query.jwt' });
    const cb = await loginAndConsent(url, user);
    expect(cb.params.get('response')!.split('.')).toHaveLength(5);
    const jweDecrypt: oauth.JweDecryptFunction = async (jwe) => {
      const { plaintext, protectedHeader } = await compactDecrypt(jwe, privateKey);
      expect(protectedHeader).toMatchObject({ alg: 'ECDH-ES', enc: 'A256GCM', kid: 'enc-1', cty: 'JWT' });
      return new TextDecoder().decode(plaintext);
    };
    const params = await oauth.validateJwtAuthResponse(as, client, cb.params, state, { ...viaWorker, [oauth.jweDecrypt]: jweDecrypt });
    expect(params.get('code')).toBeTruthy();
  });

  it('lets the user reload /authorize before login completes (DESIGN.md, FAPI 2.0 §5.3.2.2 note 3)', async () => {
    const as = await discover();
    const { client, user, state, url } = await setup();
    const browser = newBrowser();
    expect((await visit(browser, url)).status).toBe(200);
    expect((await visit(browser, url)).status).toBe(200);
    const cb = await loginAndConsent(url, user, { browser });
    expect(oauth.validateAuthResponse(as, client, cb.url, state).get('code')).toBeTruthy();
  });

  it('completes a login that outlasts the request_uri lifetime once the first visit succeeded (DESIGN.md)', async () => {
    const { client, user, url, request_uri, state } = await setup();
    const browser = newBrowser();
    const page = await visit(browser, url);
    expect(page.status).toBe(200);
    // The pushed request expires while the user types: the interaction carries the validated request.
    await expirePushedRequest(request_uri);
    const form = parseForm(await page.text());
    const res = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
    const consent = parseForm(await (await visit(browser, new URL(res.headers.get('location')!, ISSUER))).text());
    const cb = await callbackOf(await postForm(browser, consent.action, { ...consent.fields, decision: 'allow' }));
    expect(oauth.validateAuthResponse(await discover(), client, cb!.url, state).get('code')).toBeTruthy();
  });

  it('refuses a second completed use of a request_uri with invalid_request_uri (RFC 9126 §4)', async () => {
    const as = await discover();
    const { client, user, state, url } = await setup();
    const first = await loginAndConsent(url, user);
    expect(oauth.validateAuthResponse(as, client, first.url, state).get('code')).toBeTruthy();
    const second = await loginAndConsent(url, user);
    expect(second.params.get('error')).toBe('invalid_request_uri');
    expect(second.params.get('state')).toBe(state);
    expect(second.params.get('iss')).toBe(ISSUER);
    expect(second.params.has('code')).toBe(false);
  });

  it('ignores parameters sent beside request_uri: only the pushed request counts (RFC 9126 §4)', async () => {
    const as = await discover();
    const { client, user, state, url } = await setup();
    for (const [name, value] of Object.entries({ redirect_uri: 'https://evil.example/cb', state: 'injected', scope: 'openid email', response_mode: 'fragment' })) {
      url.searchParams.set(name, value);
    }
    const cb = await loginAndConsent(url, user);
    expect(cb.url.origin + cb.url.pathname).toBe(REDIRECT);
    expect(cb.url.hash).toBe('');
    expect(oauth.validateAuthResponse(as, client, cb.url, state).get('code')).toBeTruthy();
  });
});
