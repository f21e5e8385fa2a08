import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { clientKey, requestObject } from '../helpers/jwt';
import { authorizeUrl, newBrowser, pushRequest, visit } from '../helpers/interaction';
import { discover, pkce, viaWorker } from '../helpers/rp';
import { ISSUER } from '../helpers/worker';
import { alertOfPage, errorCodeOfPage, errorPageOf, expectErrorPage } from '../helpers/errors';
import { expirePushedRequest } from '../helpers/storage-keys';

const REDIRECT = 'https://rp.example/cb';

async function confidential(metadata: Record<string, unknown> = {}) {
  return registerClient({ token_endpoint_auth_method: 'client_secret_basic', ...metadata });
}

describe('/authorize errors that must not redirect (RFC 6749 §4.1.2.1)', () => {
  it('shows a page for an unknown request_uri, never a redirect (RFC 9126 §4)', async () => {
    const reg = await confidential();
    const url = authorizeUrl({ client_id: reg.client_id, request_uri: `urn:ietf:params:oauth:request_uri:${'A'.repeat(43)}`, redirect_uri: REDIRECT });
    expect(await expectErrorPage(await visit(newBrowser(), url))).toBe('invalid_request_uri');
  });

  it('answers an expired request_uri exactly like an unknown one: no existence oracle (RFC 9126 §4, §7.1)', async () => {
    const reg = await confidential();
    const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 's' });
    await expirePushedRequest(request_uri);
    const expired = await errorPageOf(await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request_uri })));
    const unknown = await errorPageOf(await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request_uri: `urn:ietf:params:oauth:request_uri:${'B'.repeat(43)}` })));
    expect(alertOfPage(expired)).toBe(alertOfPage(unknown));
    expect(errorCodeOfPage(expired)).toBe('invalid_request_uri');
  });

  it('refuses a request_uri presented with another client_id, without redirecting (RFC 9126 §4)', async () => {
    const owner = await confidential();
    const other = await confidential();
    const request_uri = await pushRequest(owner, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 's' });
    const html = await errorPageOf(await visit(newBrowser(), authorizeUrl({ client_id: other.client_id, request_uri })));
    expect(errorCodeOfPage(html)).toBe('invalid_request_uri');
  });

  it('refuses a request_uri not issued by the PAR endpoint (RFC 9126 §4, RFC 9101 §5.2)', async () => {
    const reg = await confidential();
    const html = await errorPageOf(await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request_uri: 'https://attacker.example/req' })));
    expect(errorCodeOfPage(html)).toBe('invalid_request_uri');
  });

  it('shows a page for an unknown client_id (RFC 6749 §4.1.2.1)', async () => {
    const res = await visit(newBrowser(), authorizeUrl({ client_id: 'nobody', response_type: 'code', redirect_uri: REDIRECT, state: 's' }));
    expect(await expectErrorPage(res)).toBe('invalid_request');
  });

  it('shows a page, not a redirect, for an unregistered redirect_uri (RFC 6749 §4.1.2.1, RFC 9700 §4.1.3)', async () => {
    const reg = await confidential();
    for (const redirect_uri of ['https://attacker.example/cb', 'https://rp.example/cb/', 'https://rp.example/cb?x=1', 'HTTPS://rp.example/cb']) {
      const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, response_type: 'code', redirect_uri, scope: 'openid', state: 's' }));
      expect(await expectErrorPage(res)).toBe('invalid_request');
    }
  });

  it('answers a repeated parameter with a page: invalid_request (RFC 6749 §3.1)', async () => {
    const reg = await confidential();
    const res = await visit(newBrowser(), `/authorize?client_id=${reg.client_id}&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT)}&state=a&state=b`);
    expect(await expectErrorPage(res)).toBe('invalid_request');
  });

  it('answers methods other than GET and POST with 405 (RFC 6749 §3.1, RFC 9110 §15.5.6)', async () => {
    const res = await visit(newBrowser(), '/authorize', { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
  });
});

describe('/authorize errors sent to a validated redirect_uri (RFC 6749 §4.1.2.1)', () => {
  it('redirects unsupported_response_type with state and iss (RFC 6749 §4.1.2.1, RFC 9207 §2)', async () => {
    const as = await discover();
    const reg = await confidential();
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, response_type: 'token', redirect_uri: REDIRECT, state: 'xyz', scope: 'openid' }));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(Object.fromEntries(location.searchParams)).toMatchObject({ error: 'unsupported_response_type', state: 'xyz', iss: ISSUER });
    // oauth4webapi checks iss and state before it reports the error.
    expect(() => oauth.validateAuthResponse(as, { client_id: reg.client_id }, location, 'xyz')).toThrow(oauth.AuthorizationResponseError);
  });

  it('refuses plain parameters from a client that requires PAR (RFC 9126 §5, §6)', async () => {
    const reg = await confidential({ require_pushed_authorization_requests: true });
    const params = { client_id: reg.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'st' };
    const res = await visit(newBrowser(), authorizeUrl(params));
    expect(res.status).toBe(303);
    expect(Object.fromEntries(new URL(res.headers.get('location')!).searchParams)).toMatchObject({ error: 'invalid_request', state: 'st', iss: ISSUER });
    // Without a registered redirect_uri to send it to, the same refusal is a page.
    const { redirect_uri: _r, ...bare } = params;
    expect(await expectErrorPage(await visit(newBrowser(), authorizeUrl({ ...bare, redirect_uri: 'https://evil.example/' })))).toBe('invalid_request');
  });

  it('refuses a request object with a bad signature, to the outer redirect_uri (RFC 9101 §6.2)', async () => {
    const key = await clientKey('ES256');
    const stranger = await clientKey('ES256');
    const reg = await confidential({ jwks: { keys: [key.publicJwk] } });
    const request = await requestObject(reg.client_id, { ...stranger, kid: key.kid }, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'inner' });
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request, redirect_uri: REDIRECT, state: 'outer', response_type: 'code' }));
    expect(res.status).toBe(303);
    expect(Object.fromEntries(new URL(res.headers.get('location')!).searchParams)).toMatchObject({ error: 'invalid_request_object', state: 'outer', iss: ISSUER });
  });

  it('requires PKCE from a public client, by redirect (RFC 7636 §4.4.1, RFC 9700 §2.1.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'none' });
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'p' }));
    expect(Object.fromEntries(new URL(res.headers.get('location')!).searchParams)).toMatchObject({ error: 'invalid_request', state: 'p', iss: ISSUER });
    const ok = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', code_challenge: (await pkce()).code_challenge, code_challenge_method: 'S256' }));
    expect(ok.status).toBe(200);
  });

  it('sends an error as a JARM response when a JWT response mode was asked for (JARM §2.4)', async () => {
    const reg = await confidential();
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'nope', state: 'j', response_mode: 'jwt' }));
    const location = new URL(res.headers.get('location')!);
    expect([...location.searchParams.keys()]).toEqual(['response']);
    const as = await discover();
    await expect(oauth.validateJwtAuthResponse(as, { client_id: reg.client_id }, location, 'j', viaWorker)).rejects.toThrow(oauth.AuthorizationResponseError);
  });
});
