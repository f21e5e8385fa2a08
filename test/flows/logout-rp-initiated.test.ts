import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { base64url, utf8 } from '../../src/crypto/encoding';
import { signJwt } from '../../src/crypto/jwt';
import { getServices } from '../../src/storage/services';
import { authorizeUrl, parseForm, postForm, pushRequest, setCookies, visit } from '../helpers/interaction';
import { unsignedJwt } from '../helpers/jwt';
import { liveSession, logoutUrl, POST_LOGOUT, REDIRECT, refreshStatus, signIn, type SignedIn } from '../helpers/logout';
import { call, testEnv } from '../helpers/worker';

/**
 * OpenID Connect RP-Initiated Logout 1.0 at the end_session_endpoint, named
 * after the OpenID conformance suite's modules (oidcc-rp-initiated-logout-*).
 */
const SESSION = '__Host-portcullis_session';
const BROWSER_STATE = '__Host-portcullis_browser_state';
const services = getServices(testEnv);

/** prompt=none at /authorize in `browser` (OpenID Connect Core §3.1.2.6): where the response goes. */
async function promptNone(s: SignedIn): Promise<URL> {
  const request_uri = await pushRequest(s.client, {
    response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'pn', prompt: 'none',
    code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
  });
  const res = await visit(s.browser, authorizeUrl({ client_id: s.client.client_id, request_uri }));
  return new URL(res.headers.get('location')!);
}

/** Expects the refusal page of §3/§4: 400, HTML, no redirect, nothing ended. */
async function expectRefused(s: SignedIn, res: Response, error = 'invalid_request') {
  expect(res.status).toBe(400);
  expect(res.headers.get('location')).toBeNull();
  expect(res.headers.get('content-type')).toContain('text/html');
  expect(await res.text()).toContain(`<code>${error}</code>`);
  expect(await liveSession(s.browser)).toBe(true);
}

describe('oidcc-rp-initiated-logout (RP-Initiated Logout 1.0 §2, §3)', () => {
  it('oidcc-rp-initiated-logout: a valid hint for this session logs out at once and redirects with state', async () => {
    const s = await signIn();
    const before = s.browser.cookies.get(BROWSER_STATE);
    const res = await visit(s.browser, logoutUrl({ id_token_hint: s.tokens.id_token, post_logout_redirect_uri: POST_LOGOUT, state: 'xyz' }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${POST_LOGOUT}?state=xyz`);
    const cookies = setCookies(res);
    expect(cookies.get(SESSION)).toMatch(/Max-Age=0/);
    // Session Management §3: the new browser state is script-readable (no HttpOnly), Secure, and visible to RP frames (SameSite=None).
    expect(cookies.get(BROWSER_STATE)).not.toMatch(/HttpOnly/i);
    expect(cookies.get(BROWSER_STATE)).toMatch(/; Secure/);
    expect(cookies.get(BROWSER_STATE)).toMatch(/SameSite=None/);
    expect(s.browser.cookies.get(BROWSER_STATE)).not.toBe(before);
    expect(s.browser.cookies.has(SESSION)).toBe(false);
    // Session Management §3 / Core §3.1.2.6: after logout, prompt=none cannot sign in silently.
    const none = await promptNone(s);
    expect(none.searchParams.get('error')).toBe('login_required');
    expect(none.searchParams.get('state')).toBe('pn');
  });

  it('revokes the grants issued in the session (DESIGN.md "What logout ends"): refresh is invalid_grant, the access token inactive', async () => {
    const s = await signIn();
    await visit(s.browser, logoutUrl({ id_token_hint: s.tokens.id_token }));
    expect(await refreshStatus(s)).toBe(400);
    const info = await call('/userinfo', { headers: { authorization: `Bearer ${s.tokens.access_token}` } });
    expect(info.status).toBe(401);
  });

  it('keeps offline_access grants (DESIGN.md "What logout ends", OpenID Connect Core §11)', async () => {
    const s = await signIn({}, 'openid offline_access');
    await visit(s.browser, logoutUrl({ id_token_hint: s.tokens.id_token }));
    expect(await liveSession(s.browser)).toBe(false);
    expect(await refreshStatus(s)).toBe(200);
  });

  it('oidcc-rp-initiated-logout-bad-post-logout-redirect-uri: an unregistered URI is never redirected to (§3)', async () => {
    const s = await signIn();
    const res = await visit(s.browser, logoutUrl({ id_token_hint: s.tokens.id_token, post_logout_redirect_uri: 'https://rp.example/elsewhere', state: 'x' }));
    await expectRefused(s, res);
  });

  it('oidcc-rp-initiated-logout-query-added-to-post-logout-redirect-uri: the URI must match exactly (§3)', async () => {
    const s = await signIn();
    const res = await visit(s.browser, logoutUrl({ id_token_hint: s.tokens.id_token, post_logout_redirect_uri: `${POST_LOGOUT}?foo=bar`, state: 'x' }));
    await expectRefused(s, res);
  });

  it('oidcc-rp-initiated-logout-modified-id-token-hint: a hint whose payload was changed is refused (§2, §4)', async () => {
    const s = await signIn();
    const [header, payload, signature] = s.tokens.id_token.split('.');
    const claims = { ...decodeJwt(s.tokens.id_token), sub: 'someone-else' };
    const forged = `${header}.${base64url(utf8(JSON.stringify(claims)))}.${signature}`;
    expect(payload).not.toBe(forged.split('.')[1]);
    await expectRefused(s, await visit(s.browser, logoutUrl({ id_token_hint: forged, post_logout_redirect_uri: POST_LOGOUT })));
  });

  it('oidcc-rp-initiated-logout-bad-id-token-hint: garbage, alg none, a foreign key and a foreign issuer are refused (§2, §4)', async () => {
    const s = await signIn();
    const claims = decodeJwt(s.tokens.id_token);
    const foreign = await generateKeyPair('ES256');
    const foreignKeyHint = await new SignJWT({ ...claims }).setProtectedHeader({ alg: 'ES256', kid: (await exportJWK(foreign.publicKey)).x }).sign(foreign.privateKey);
    const otherIssuer = await signJwt({ ...claims, iss: 'https://evil.example' }, 'RS256', services.keys);
    for (const hint of ['not-a-jwt', unsignedJwt(claims), foreignKeyHint, otherIssuer]) {
      await expectRefused(s, await visit(s.browser, logoutUrl({ id_token_hint: hint, post_logout_redirect_uri: POST_LOGOUT, state: 's' })));
    }
  });

  it('accepts an expired id_token_hint to identify the session (§2, §4)', async () => {
    const s = await signIn();
    const claims = decodeJwt(s.tokens.id_token);
    const expired = await signJwt({ ...claims, iat: claims.iat! - 7200, exp: claims.iat! - 3600 }, 'RS256', services.keys);
    const res = await visit(s.browser, logoutUrl({ id_token_hint: expired, post_logout_redirect_uri: POST_LOGOUT, state: 'e' }));
    expect(res.headers.get('location')).toBe(`${POST_LOGOUT}?state=e`);
    expect(await liveSession(s.browser)).toBe(false);
  });

  it('refuses a client_id that is not the audience of the hint (§2)', async () => {
    const s = await signIn();
    const other = await signIn();
    const res = await visit(s.browser, logoutUrl({ id_token_hint: s.tokens.id_token, client_id: other.client.client_id, post_logout_redirect_uri: POST_LOGOUT }));
    await expectRefused(s, res);
  });

  it('refuses a post_logout_redirect_uri when no client is identified (§3)', async () => {
    const s = await signIn();
    await expectRefused(s, await visit(s.browser, logoutUrl({ post_logout_redirect_uri: POST_LOGOUT, state: 'x' })));
  });

  it('oidcc-rp-initiated-logout-no-id-token-hint: the user confirms, then is redirected with state (§2, §3)', async () => {
    const s = await signIn();
    const page = await visit(s.browser, logoutUrl({ client_id: s.client.client_id, post_logout_redirect_uri: POST_LOGOUT, state: 'nh', ui_locales: 'en', logout_hint: s.user.username }));
    expect(page.status).toBe(200);
    expect(await liveSession(s.browser)).toBe(true);
    const html = await page.text();
    expect(html).toContain('name="decision" value="logout"');
    expect(page.headers.get('content-security-policy')).toContain("form-action 'self' https://rp.example");
    const form = parseForm(html);
    expect(form.fields).toMatchObject({ client_id: s.client.client_id, post_logout_redirect_uri: POST_LOGOUT, state: 'nh' });
    const res = await postForm(s.browser, form.action, { ...form.fields, decision: 'logout' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${POST_LOGOUT}?state=nh`);
    expect(await liveSession(s.browser)).toBe(false);
  });

  it('oidcc-rp-initiated-logout-no-params: confirms, then shows the signed-out page (§2, §3)', async () => {
    const s = await signIn();
    const page = await visit(s.browser, logoutUrl());
    const form = parseForm(await page.text());
    const res = await postForm(s.browser, form.action, { ...form.fields, decision: 'logout' });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('You are signed out');
    expect(await liveSession(s.browser)).toBe(false);
  });

  it('oidcc-rp-initiated-logout-only-state: without a redirect URI state goes nowhere; signed-out page (§3)', async () => {
    const s = await signIn();
    const page = await visit(s.browser, logoutUrl({ state: 'only' }));
    const form = parseForm(await page.text());
    const res = await postForm(s.browser, form.action, { ...form.fields, decision: 'logout' });
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(await liveSession(s.browser)).toBe(false);
  });

  it('oidcc-rp-initiated-logout-no-post-logout-redirect-uri: a valid hint logs out to the signed-out page (§3)', async () => {
    const s = await signIn();
    const res = await visit(s.browser, logoutUrl({ id_token_hint: s.tokens.id_token, state: 'st' }));
    expect(res.status).toBe(200);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('You are signed out');
    expect(await liveSession(s.browser)).toBe(false);
  });

  it('oidcc-rp-initiated-logout-no-state: redirects to the exact registered URI without state (§3)', async () => {
    const s = await signIn();
    const res = await visit(s.browser, logoutUrl({ id_token_hint: s.tokens.id_token, post_logout_redirect_uri: POST_LOGOUT }));
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(POST_LOGOUT);
  });

  it('accepts the logout request by POST (§2)', async () => {
    const s = await signIn();
    const res = await postForm(s.browser, '/logout', { id_token_hint: s.tokens.id_token, post_logout_redirect_uri: POST_LOGOUT, state: 'p' }, { origin: 'https://rp.example' });
    expect(res.headers.get('location')).toBe(`${POST_LOGOUT}?state=p`);
    expect(await liveSession(s.browser)).toBe(false);
  });
});
