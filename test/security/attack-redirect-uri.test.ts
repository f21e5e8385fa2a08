import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { confidential, honestCode, postBasic, REDIRECT, redeemBasic } from '../helpers/attack';
import { clientKey, requestObject } from '../helpers/jwt';
import { authorizeUrl, newBrowser, visit } from '../helpers/interaction';
import { pkce } from '../helpers/rp';
import { expectErrorPage, expectJsonError } from '../helpers/errors';

/**
 * Attack catalogue: redirect_uri manipulation (RFC 9700 §4.1, §4.1.3; RFC 6749
 * §3.1.2.3, §4.1.2.1; OpenID Connect Core §3.1.2.1). Registered:
 * https://rp.example/cb. Every near-miss a URL normalizer might accept must be
 * refused by simple string comparison: JSON at /par, an HTML page (never a
 * redirect) at /authorize.
 */
const VARIANTS: [string, string][] = [
  ['a trailing slash', 'https://rp.example/cb/'],
  ['an upper-case scheme', 'HTTPS://rp.example/cb'],
  ['an upper-case host', 'https://RP.EXAMPLE/cb'],
  ['an upper-case path', 'https://rp.example/CB'],
  ['the explicit default port :443', 'https://rp.example:443/cb'],
  ['another port', 'https://rp.example:8443/cb'],
  ['http instead of https', 'http://rp.example/cb'],
  ['a `..;/` path segment (Tomcat-style traversal)', 'https://rp.example/cb/..;/evil'],
  ['a percent-encoded `%2e%2e` traversal', 'https://rp.example/cb/%2e%2e/evil'],
  ['a `/../` traversal that resolves back to /cb', 'https://rp.example/x/../cb'],
  ['a `/./` segment', 'https://rp.example/./cb'],
  ['userinfo pointing the host elsewhere (`rp.example@evil`)', 'https://rp.example@evil.example/cb'],
  ['userinfo in front of the registered host (`evil@rp.example`)', 'https://evil.example@rp.example/cb'],
  ['a backslash before the host', 'https://rp.example\\@evil.example/cb'],
  ['a backslash path separator', 'https://rp.example\\cb'],
  ['an added query', 'https://rp.example/cb?next=https://evil.example'],
  ['an empty query', 'https://rp.example/cb?'],
  ['a fragment', 'https://rp.example/cb#frag'],
  ['an empty fragment', 'https://rp.example/cb#'],
  ['a percent-encoded path character (`%63b`)', 'https://rp.example/%63b'],
  ['a double-encoded path character (`%2563b`)', 'https://rp.example/%2563b'],
  ['the whole URI percent-encoded once more', 'https%3A%2F%2Frp.example%2Fcb'],
  ['a unicode homoglyph host (Cyrillic р)', 'https://rр.example/cb'],
  ['the punycode form of a homoglyph host', 'https://xn--r-0tb.example/cb'],
  ['a suffix-extended host', 'https://rp.example.evil.example/cb'],
  ['a sub-domain of the registered host', 'https://evil.rp.example/cb'],
  ['a trailing dot on the host', 'https://rp.example./cb'],
  ['trailing whitespace', 'https://rp.example/cb '],
  ['an encoded NUL byte', 'https://rp.example/cb%00'],
  ['an unregistered host', 'https://evil.example/cb'],
  ['a javascript: URI', 'javascript:alert(document.domain)//https://rp.example/cb'],
];

describe('RFC 9700 §4.1.3 — redirect_uri exact matching at /par (RFC 9126 §2.1)', () => {
  it.each(VARIANTS)('RFC 9700 §4.1.3 — redirect_uri with %s is refused at /par with invalid_request (fapi2-security-profile-final-ensure-redirect-uri-in-authorization-request)', async (_name, redirect_uri) => {
    const reg = await confidential();
    const { code_challenge } = await pkce();
    const res = await postBasic('/par', { response_type: 'code', scope: 'openid', redirect_uri, code_challenge, code_challenge_method: 'S256' }, reg);
    expect(await expectJsonError(res, 400)).toBe('invalid_request');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('RFC 9700 §4.1.3 — the registered redirect_uri itself is accepted at /par (control for the variants above)', async () => {
    const reg = await confidential();
    const { code_challenge } = await pkce();
    const res = await postBasic('/par', { response_type: 'code', scope: 'openid', redirect_uri: REDIRECT, code_challenge, code_challenge_method: 'S256' }, reg);
    expect(res.status).toBe(201);
  });

  it('OIDC Core §3.1.2.1 — an OpenID request without redirect_uri is refused at /par (oidcc-ensure-redirect-uri-in-authorization-request)', async () => {
    const reg = await confidential();
    const { code_challenge } = await pkce();
    const res = await postBasic('/par', { response_type: 'code', scope: 'openid', code_challenge, code_challenge_method: 'S256' }, reg);
    expect(await expectJsonError(res, 400)).toBe('invalid_request');
  });

  it('RFC 9101 §10.3 — a request object naming an unregistered redirect_uri is refused at /par (fapi2-security-profile-final-ensure-request-object-without-redirect-uri-fails)', async () => {
    const key = await clientKey('ES256');
    const reg = await confidential({ jwks: { keys: [key.publicJwk] } });
    const { code_challenge } = await pkce();
    const request = await requestObject(reg.client_id, key, { response_type: 'code', scope: 'openid', redirect_uri: 'https://evil.example/cb', code_challenge, code_challenge_method: 'S256' });
    expect(await expectJsonError(await postBasic('/par', { request }, reg), 400)).toBe('invalid_request');
  });
});

describe('RFC 9700 §4.1.3 — redirect_uri exact matching at /authorize: a page, never a redirect (RFC 6749 §4.1.2.1)', () => {
  it.each(VARIANTS)('RFC 9700 §4.1.3 — redirect_uri with %s gets an HTML error page at /authorize, no Location (oidcc-ensure-registered-redirect-uri)', async (_name, redirect_uri) => {
    const reg = await confidential();
    const { code_challenge } = await pkce();
    const res = await visit(newBrowser(), authorizeUrl({
      client_id: reg.client_id, response_type: 'code', scope: 'openid', redirect_uri, state: 'st', code_challenge, code_challenge_method: 'S256',
    }));
    expect(await expectErrorPage(res)).toBe('invalid_request');
  });

  it('RFC 6749 §4.1.2.1 — even an error that would otherwise redirect (bad response_type) is a page when redirect_uri is unregistered (oidcc-redirect-uri-query-added)', async () => {
    const reg = await confidential();
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, response_type: 'token', scope: 'openid', redirect_uri: `${REDIRECT}?evil=1`, state: 'st' }));
    // The response_type error is reported, but on a page: the unvalidated redirect_uri is never a target.
    expect(await expectErrorPage(res)).toBe('unsupported_response_type');
  });

  it('RFC 6749 §3.1.2.3 — a client with several registered URIs must name one: omitted redirect_uri is a page, not a redirect to the first', async () => {
    const reg = await confidential({ redirect_uris: [REDIRECT, 'https://rp.example/other'] });
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, response_type: 'code', scope: 'profile', state: 'st' }));
    expect(await expectErrorPage(res)).toBe('invalid_request');
  });

  it('RFC 9101 §6.2 — a request object whose inner redirect_uri is unregistered is a page even when the outer one is registered (fapi2-security-profile-final-ensure-request-object-without-redirect-uri-fails)', async () => {
    const key = await clientKey('ES256');
    const reg = await confidential({ jwks: { keys: [key.publicJwk] } });
    const request = await requestObject(reg.client_id, key, { response_type: 'code', scope: 'openid', redirect_uri: 'https://evil.example/cb', state: 'inner' });
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request, redirect_uri: REDIRECT, response_type: 'code', state: 'outer' }));
    // The outer redirect_uri is ignored once a request object is present (RFC 9101 §5): nothing was validated to redirect to.
    expect(await expectErrorPage(res)).toBe('invalid_request');
  });

  it('RFC 6749 §4.1.2.1 — a registered redirect_uri of ANOTHER client is not a valid target (open redirect across clients)', async () => {
    const victim = await registerClient({ redirect_uris: ['https://other-rp.example/cb'] });
    const reg = await confidential();
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, response_type: 'code', scope: 'openid', redirect_uri: 'https://other-rp.example/cb', state: 'st' }));
    expect(victim.redirect_uris).toEqual(['https://other-rp.example/cb']);
    expect(await expectErrorPage(res)).toBe('invalid_request');
  });
});

describe('RFC 6749 §4.1.3 — the redirect_uri at /token must equal the authorization request\'s', () => {
  it.each([
    ['a trailing slash', 'https://rp.example/cb/'],
    ['an upper-case host', 'https://RP.example/cb'],
    ['another registered URI', 'https://rp.example/other'],
  ])('RFC 6749 §4.1.3 — a code redeemed with redirect_uri with %s is refused with invalid_grant (oidcc-ensure-redirect-uri-in-authorization-request)', async (_name, redirect_uri) => {
    const reg = await confidential({ redirect_uris: [REDIRECT, 'https://rp.example/other'] });
    const flow = await honestCode(reg);
    expect(await expectJsonError(await redeemBasic(reg, flow.code, flow.code_verifier, { redirect_uri }), 400)).toBe('invalid_grant');
    // The attempt did not consume the code: the honest client still redeems it (RFC 6749 §4.1.2 single use is per success).
    expect((await redeemBasic(reg, flow.code, flow.code_verifier)).status).toBe(200);
  });
});

describe('open redirects at every redirecting endpoint (RFC 9700 §4.11, RFC 6749 §4.1.2.1)', () => {
  const EVIL = 'https://evil.example/cb';

  it.each(['GET', 'POST'])('RFC 9700 §4.11.1 — /authorize (%s) with an unknown client_id and an attacker redirect_uri is a page, no Location', async (method) => {
    const params = { client_id: `ghost-${crypto.randomUUID()}`, response_type: 'code', scope: 'openid', redirect_uri: EVIL, state: 'st', response_mode: 'form_post' };
    const res = method === 'GET'
      ? await visit(newBrowser(), authorizeUrl(params))
      : await visit(newBrowser(), '/authorize', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() });
    expect(await expectErrorPage(res)).toBe('invalid_request');
  });

  it('RFC 9700 §4.11.1 — /authorize without client_id but with an attacker redirect_uri is a page, no Location', async () => {
    const res = await visit(newBrowser(), authorizeUrl({ response_type: 'code', scope: 'openid', redirect_uri: EVIL, state: 'st' }));
    expect(await expectErrorPage(res)).toBe('invalid_request');
  });

  it('RFC 9126 §4 — /authorize with an invalid request_uri and an attacker redirect_uri beside it is a page, no Location', async () => {
    const reg = await confidential();
    const res = await visit(newBrowser(), authorizeUrl({
      client_id: reg.client_id, request_uri: `urn:ietf:params:oauth:request_uri:${'Z'.repeat(43)}`, redirect_uri: EVIL, response_mode: 'form_post', state: 'st',
    }));
    expect(await expectErrorPage(res)).toBe('invalid_request_uri');
  });

  it('RFC 9126 §4 — /authorize with an invalid request_uri and the client\'s own registered redirect_uri beside it is still a page (parameters beside request_uri are never trusted)', async () => {
    const reg = await confidential();
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request_uri: 'urn:ietf:params:oauth:request_uri:nope', redirect_uri: REDIRECT, state: 'st' }));
    expect(await expectErrorPage(res)).toBe('invalid_request_uri');
  });

  it('RFC 9700 §4.11.1 — a client registered without the code flow cannot be used to bounce to its redirect_uri', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api' });
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, response_type: 'code', redirect_uri: EVIL, state: 'st' }));
    expect(await expectErrorPage(res)).toBe('invalid_request');
  });
});
