import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createUser } from '../helpers/admin';
import { codeRequest, confidential, postBasic, REDIRECT } from '../helpers/attack';
import { authorizeUrl, callbackOf, loginAndConsent, newBrowser, pushRequest, visit } from '../helpers/interaction';
import { pkce } from '../helpers/rp';
import { call, ISSUER } from '../helpers/worker';
import { expectErrorPage, expectJsonError } from '../helpers/errors';
import { expirePushedRequest } from '../helpers/storage-keys';

/**
 * Attack catalogue: mix-up (RFC 9700 §4.4, RFC 9207) and request_uri abuse
 * (RFC 9126 §4, §7.1–§7.3; FAPI 2.0 §5.3.2.2).
 */

const MODES = ['query', 'fragment', 'form_post', 'jwt', 'query.jwt', 'fragment.jwt', 'form_post.jwt'] as const;

/** The issuer an authorization response names: the `iss` parameter, or the `iss` claim of a JARM response JWT. */
function issuerOf(params: URLSearchParams, client_id: string): string | null {
  const response = params.get('response');
  if (response === null) return params.get('iss');
  const claims = decodeJwt(response);
  expect(claims.aud).toBe(client_id);
  return claims.iss ?? null;
}

async function pushed(extra: Record<string, string> = {}) {
  const reg = await confidential();
  const request_uri = await pushRequest(reg, codeRequest((await pkce()).code_challenge, extra));
  return { reg, request_uri, url: authorizeUrl({ client_id: reg.client_id, request_uri }) };
}

describe('mix-up: iss in every authorization response (RFC 9207 §2, RFC 9700 §4.4.2)', () => {
  it.each(MODES)('RFC 9207 §2 — a successful response in response_mode=%s names the issuer (fapi2-security-profile-final-happy-flow)', async (mode) => {
    const { reg, url } = await pushed({ response_mode: mode });
    const cb = await loginAndConsent(url, await createUser());
    expect(issuerOf(cb.params, reg.client_id)).toBe(ISSUER);
  });

  it.each(MODES)('RFC 9207 §2 — an error response (login_required) in response_mode=%s names the issuer (oidcc-prompt-none-not-logged-in)', async (mode) => {
    const { reg, url } = await pushed({ response_mode: mode, prompt: 'none' });
    const cb = await callbackOf(await visit(newBrowser(), url));
    expect(cb).not.toBeNull();
    expect(issuerOf(cb!.params, reg.client_id)).toBe(ISSUER);
    const params = cb!.params.has('response') ? new URLSearchParams(Object.entries(decodeJwt(cb!.params.get('response')!)).map(([k, v]): [string, string] => [k, String(v)])) : cb!.params;
    expect(params.get('error')).toBe('login_required');
  });

  it('RFC 9207 §2 — access_denied after the user refuses consent names the issuer (fapi2-security-profile-final-user-rejects-authentication)', async () => {
    const { url } = await pushed();
    const cb = await loginAndConsent(url, await createUser(), { decision: 'deny' });
    expect(cb.params.get('error')).toBe('access_denied');
    expect(cb.params.get('iss')).toBe(ISSUER);
  });

  it('RFC 9207 §2 — an error redirected from a plain /authorize request names the issuer', async () => {
    const reg = await confidential();
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, response_type: 'code', scope: 'not-registered', redirect_uri: REDIRECT, state: 'm' }));
    const location = new URL(res.headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_scope');
    expect(location.searchParams.get('iss')).toBe(ISSUER);
  });

  it('RFC 8414 §2 — discovery advertises authorization_response_iss_parameter_supported so clients enforce the check (RFC 9207 §3)', async () => {
    const meta = (await (await call('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    expect(meta.authorization_response_iss_parameter_supported).toBe(true);
    expect(meta.issuer).toBe(ISSUER);
  });
});

describe('request_uri abuse (RFC 9126 §4, §7)', () => {
  it('RFC 9126 §7.1 — a guessed request_uri (random 256-bit handle) is a page with invalid_request_uri, never a redirect', async () => {
    const reg = await confidential();
    const guess = `urn:ietf:params:oauth:request_uri:${crypto.randomUUID().replace(/-/g, '')}${'x'.repeat(11)}`;
    expect(await expectErrorPage(await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request_uri: guess })))).toBe('invalid_request_uri');
  });

  it('RFC 9126 §7.1 — a request_uri with a malformed handle (too short, path characters) is a page with invalid_request_uri', async () => {
    const reg = await confidential();
    for (const handle of ['abc', '../../par:x', `${'A'.repeat(43)}/x`]) {
      const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request_uri: `urn:ietf:params:oauth:request_uri:${handle}` }));
      expect(await expectErrorPage(res)).toBe('invalid_request_uri');
    }
  });

  it('RFC 9126 §4 — a request_uri is used up once its flow completed: reuse yields no code (fapi2-security-profile-final-par-attempt-reuse-request_uri)', async () => {
    const { url } = await pushed();
    const user = await createUser();
    const browser = newBrowser();
    expect((await loginAndConsent(url, user, { browser })).params.get('code')).toBeTruthy();
    for (const again of [await loginAndConsent(url, user, { browser }), await loginAndConsent(url, user)]) {
      expect(again.params.has('code')).toBe(false);
      expect(again.params.get('error')).toBe('invalid_request_uri');
      expect(again.url.origin + again.url.pathname).toBe(REDIRECT);
      expect(again.params.get('iss')).toBe(ISSUER);
    }
  });

  it('FAPI 2.0 §5.3.2.2 note 3 — reloading /authorize before the flow completes still works (fapi2-security-profile-final-par-ensure-reused-request-uri-prior-to-auth-completion-succeeds)', async () => {
    const { url } = await pushed();
    const browser = newBrowser();
    expect((await visit(browser, url)).status).toBe(200);
    const cb = await loginAndConsent(url, await createUser(), { browser });
    expect(cb.params.get('code')).toBeTruthy();
  });

  it('RFC 9126 §4 — an expired request_uri is a page with invalid_request_uri (fapi2-security-profile-final-par-attempt-to-use-expired-request_uri)', async () => {
    const { reg, request_uri } = await pushed();
    await expirePushedRequest(request_uri);
    expect(await expectErrorPage(await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request_uri })))).toBe('invalid_request_uri');
  });

  it('RFC 9126 §4 — a request_uri presented with another client_id is a page with invalid_request_uri (fapi2-security-profile-final-par-attempt-to-use-request_uri-for-different-client)', async () => {
    const { request_uri } = await pushed();
    const other = await confidential();
    expect(await expectErrorPage(await visit(newBrowser(), authorizeUrl({ client_id: other.client_id, request_uri })))).toBe('invalid_request_uri');
  });

  it('RFC 9126 §4 — a request_uri presented without client_id is a page with invalid_request', async () => {
    const { request_uri } = await pushed();
    expect(await expectErrorPage(await visit(newBrowser(), authorizeUrl({ request_uri })))).toBe('invalid_request');
  });

  it('RFC 9126 §2.1 — request_uri inside a PAR body is invalid_request (fapi2-security-profile-final-par-authorization-request-containing-request_uri-form-param)', async () => {
    const { reg, request_uri } = await pushed();
    const res = await postBasic('/par', { ...codeRequest((await pkce()).code_challenge), request_uri }, reg);
    expect(await expectJsonError(res, 400)).toBe('invalid_request');
  });

  it('RFC 9101 §5.2.2 — a request_uri of another format (an https URL the server would fetch) is refused as invalid_request_uri, on a page', async () => {
    const reg = await confidential();
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request_uri: 'https://attacker.example/request.jwt' }));
    expect(await expectErrorPage(res)).toBe('invalid_request_uri');
  });

  it('RFC 9126 §2 — GET at the PAR endpoint is 405 with Allow: POST (fapi2-security-profile-final-par-attempt-invalid-http-method)', async () => {
    const res = await call('/par?response_type=code&client_id=x');
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('RFC 9126 §2.1 — a parameter given twice at /par is invalid_request (fapi2-security-profile-final-par-without-duplicate-parameters)', async () => {
    const reg = await confidential();
    const body = `${new URLSearchParams(codeRequest((await pkce()).code_challenge))}&scope=openid%20email`;
    const res = await call('/par', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${reg.client_id}:${reg.client_secret}`)}` }, body });
    expect(await expectJsonError(res, 400)).toBe('invalid_request');
  });

  it('RFC 9126 §2.1 — a client cannot push a request in another client\'s name (body client_id) : invalid_request', async () => {
    const victim = await confidential();
    const attacker = await confidential();
    const res = await postBasic('/par', { ...codeRequest((await pkce()).code_challenge), client_id: victim.client_id }, attacker);
    expect(await expectJsonError(res, 400)).toBe('invalid_request');
  });
});
