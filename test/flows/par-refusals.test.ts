import { describe, expect, it } from 'vitest';
import { registerClient as register } from '../helpers/admin';
import { authzParams, CHALLENGE, parBasic, parForm, parKeys, storedSince, trackingRegistrar } from '../helpers/par';
import { basic, call } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

const { ids, registerClient } = trackingRegistrar(register);
/** RFC 9126 §2.1 and RFC 6749 §4.1.1 refusals at POST /par; each proves nothing was stored. */
describe('PAR refusals', () => {
  async function confidential(metadata: Record<string, unknown> = {}) {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', ...metadata });
    return { id: reg.client_id, secret: reg.client_secret! };
  }

  /** Runs `send`, asserts the exact error, and that no `par:` key appeared. */
  async function refused(send: () => Promise<Response>, status: number, error: string) {
    const before = await parKeys();
    const res = await send();
    const body = await errorOf(res);
    expect(body.status).toBe(status);
    expect(body.error).toBe(error);
    expect(typeof body.error_description).toBe('string');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await storedSince(before, ids)).toEqual([]);
    return { res, body };
  }

  it.each(['GET', 'PUT', 'DELETE', 'PATCH'])('answers %s with 405 and Allow: POST (RFC 9126 §2)', async (method) => {
    const { res } = await refused(() => call('/par', { method }), 405, 'method_not_allowed');
    expect(res.headers.get('allow')).toBe('POST');
  });

  it('refuses a body that is not application/x-www-form-urlencoded (RFC 9126 §2.1)', async () => {
    const c = await confidential();
    await refused(
      () => call('/par', { method: 'POST', headers: { 'content-type': 'application/json', authorization: basic(c.id, c.secret) }, body: JSON.stringify(authzParams()) }),
      400, 'invalid_request',
    );
  });

  it('answers 413 to a body over the size limit (DESIGN.md: bodies are size-limited)', async () => {
    const c = await confidential();
    await refused(() => parBasic(c.id, c.secret, authzParams({ state: 'x'.repeat(70 * 1024) })), 413, 'invalid_request');
  });

  it('answers 413 to an over-limit body sent without Content-Length (streamed)', async () => {
    const c = await confidential();
    const chunk = new TextEncoder().encode('state=' + 'x'.repeat(70 * 1024));
    const body = new ReadableStream({ start(controller) { controller.enqueue(chunk); controller.close(); } });
    await refused(
      () => call('/par', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(c.id, c.secret) }, body, duplex: 'half' } as RequestInit),
      413, 'invalid_request',
    );
  });

  it('refuses a parameter given twice (RFC 6749 §3.1, RFC 9126 §2.1)', async () => {
    const c = await confidential();
    const body = new URLSearchParams(authzParams());
    body.append('scope', 'openid');
    await refused(
      () => call('/par', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(c.id, c.secret) }, body: body.toString() }),
      400, 'invalid_request',
    );
  });

  it('refuses request_uri in the PAR body (RFC 9126 §2.1)', async () => {
    const c = await confidential();
    await refused(() => parBasic(c.id, c.secret, authzParams({ request_uri: 'urn:ietf:params:oauth:request_uri:abc' })), 400, 'invalid_request');
  });

  it.each([
    ['a trailing slash', 'https://rp.example/cb/'],
    ['different case', 'https://RP.example/cb'],
    ['an added query', 'https://rp.example/cb?x=1'],
    ['a different path case', 'https://rp.example/CB'],
    ['a default port spelled out', 'https://rp.example:443/cb'],
    ['an unregistered host', 'https://evil.example/cb'],
  ])('refuses a redirect_uri with %s: exact string match (RFC 9700 §4.1.3, OIDC Core §3.1.2.1)', async (_label, uri) => {
    const c = await confidential();
    await refused(() => parBasic(c.id, c.secret, authzParams({ redirect_uri: uri })), 400, 'invalid_request');
  });

  it('refuses a missing response_type (RFC 6749 §4.1.1)', async () => {
    const c = await confidential();
    const { response_type: _omit, ...params } = authzParams();
    await refused(() => parBasic(c.id, c.secret, params), 400, 'invalid_request');
  });

  it.each(['token', 'id_token', 'code id_token'])('refuses response_type=%s with unsupported_response_type (RFC 6749 §4.1.2.1)', async (rt) => {
    const c = await confidential();
    await refused(() => parBasic(c.id, c.secret, authzParams({ response_type: rt })), 400, 'unsupported_response_type');
  });

  it('refuses a scope the client is not registered for (RFC 6749 §3.3)', async () => {
    const c = await confidential({ scope: 'openid profile' });
    await refused(() => parBasic(c.id, c.secret, authzParams({ scope: 'openid admin' })), 400, 'invalid_scope');
  });

  it('refuses a public client without PKCE (RFC 9700 §2.1.1, RFC 7636 §4.4.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'none' });
    const { code_challenge: _c, code_challenge_method: _m, ...params } = authzParams();
    await refused(() => parForm({ ...params, client_id: reg.client_id }), 400, 'invalid_request');
  });

  it('refuses code_challenge_method=plain (RFC 9700 §2.1.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'none' });
    await refused(() => parForm({ ...authzParams({ code_challenge_method: 'plain' }), client_id: reg.client_id }), 400, 'invalid_request');
  });

  it('treats an absent code_challenge_method as plain and refuses it (RFC 7636 §4.3)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'none' });
    const { code_challenge_method: _m, ...params } = authzParams();
    await refused(() => parForm({ ...params, client_id: reg.client_id }), 400, 'invalid_request');
  });

  it.each([
    ['too short', CHALLENGE.slice(0, 42)],
    ['too long for S256', CHALLENGE + 'A'],
    ['with characters outside the unreserved set', CHALLENGE.slice(0, 42) + '+'],
  ])('refuses a code_challenge that is %s (RFC 7636 §4.2)', async (_label, challenge) => {
    const reg = await registerClient({ token_endpoint_auth_method: 'none' });
    await refused(() => parForm({ ...authzParams({ code_challenge: challenge }), client_id: reg.client_id }), 400, 'invalid_request');
  });

  it('refuses a client_id in the body that differs from the authenticated client (RFC 9126 §2.1)', async () => {
    const c = await confidential();
    const other = await confidential();
    await refused(() => parBasic(c.id, c.secret, authzParams({ client_id: other.id })), 400, 'invalid_request');
  });

  it('never answers 500 to malformed input (DESIGN.md)', async () => {
    const c = await confidential();
    const bodies = ['%', '=&=&', 'response_type=%ZZ', '\u0000', 'a=' + '%F0%28%8C%BC'];
    for (const body of bodies) {
      const res = await call('/par', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(c.id, c.secret) }, body });
      expect(res.status, body).toBeGreaterThanOrEqual(400);
      expect(res.status, body).toBeLessThan(500);
    }
  });
});
