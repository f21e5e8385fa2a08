import { describe, expect, it } from 'vitest';
import { registerClient as register } from '../helpers/admin';
import { appWith, authzParams, parKeys, storedSince, trackingRegistrar } from '../helpers/par';
import { basic } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

const { ids, registerClient } = trackingRegistrar(register);
/** Settings that change the PAR endpoint and what discovery says about it (RFC 9126 §5). */
describe('PAR settings', () => {
  const post = (params: Record<string, string>, authorization: string): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization },
    body: new URLSearchParams(params).toString(),
  });

  it('answers 404 at /par for every method when PAR_ENABLED=false, storing nothing (Janssen PAR flag)', async () => {
    const fetch = appWith({ PAR_ENABLED: 'false' });
    const reg = await registerClient();
    const before = await parKeys();
    const res = await fetch('/par', post(authzParams(), basic(reg.client_id, reg.client_secret!)));
    expect(await errorOf(res)).toMatchObject({ status: 404, error: 'not_found' });
    expect((await fetch('/par', { method: 'GET' })).status).toBe(404);
    expect(await storedSince(before, ids)).toEqual([]);
  });

  it('omits pushed_authorization_request_endpoint from discovery when PAR_ENABLED=false (RFC 9126 §5)', async () => {
    const fetch = appWith({ PAR_ENABLED: 'false' });
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const meta = (await (await fetch(path)).json()) as Record<string, unknown>;
      expect(meta).not.toHaveProperty('pushed_authorization_request_endpoint');
      expect(meta.require_pushed_authorization_requests).toBe(false);
    }
  });

  it('advertises require_pushed_authorization_requests as a JSON boolean (RFC 9126 §5)', async () => {
    const on = (await (await appWith({ REQUIRE_PAR: 'true' })('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    const off = (await (await appWith({ REQUIRE_PAR: 'false' })('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    expect(on.require_pushed_authorization_requests).toBe(true);
    expect(off.require_pushed_authorization_requests).toBe(false);
    expect(on.pushed_authorization_request_endpoint).toBe('https://op.example/par');
  });

  it('uses PAR_LIFETIME as the default expires_in (RFC 9126 §2.2)', async () => {
    const fetch = appWith({ PAR_LIFETIME: '90' });
    const reg = await registerClient();
    const res = await fetch('/par', post(authzParams(), basic(reg.client_id, reg.client_secret!)));
    expect(res.status).toBe(201);
    expect(((await res.json()) as { expires_in: number }).expires_in).toBe(90);
  });

  it('accepts plain PKCE only when ALLOW_PKCE_PLAIN=true (RFC 9700 §2.1.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'none' });
    const params = { ...authzParams({ code_challenge_method: 'plain', code_challenge: 'a'.repeat(43) }), client_id: reg.client_id };
    const init: RequestInit = { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() };
    expect((await appWith({ ALLOW_PKCE_PLAIN: 'true' })('/par', init)).status).toBe(201);
    expect(await errorOf(await appWith({ ALLOW_PKCE_PLAIN: 'false' })('/par', { ...init }))).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('requires PKCE from confidential clients when REQUIRE_PKCE_FOR_ALL=true (RFC 9700 §2.1.1)', async () => {
    const reg = await registerClient();
    const { code_challenge: _c, code_challenge_method: _m, ...params } = authzParams();
    const res = await appWith({ REQUIRE_PKCE_FOR_ALL: 'true' })('/par', post(params, basic(reg.client_id, reg.client_secret!)));
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_request' });
    const ok = await appWith({})('/par', post(params, basic(reg.client_id, reg.client_secret!)));
    expect(ok.status).toBe(201);
  });

  it('answers 413 above MAX_BODY_BYTES (DESIGN.md: bodies are size-limited)', async () => {
    const reg = await registerClient();
    const res = await appWith({ MAX_BODY_BYTES: '2048' })('/par', post(authzParams({ state: 'x'.repeat(3000) }), basic(reg.client_id, reg.client_secret!)));
    expect(await errorOf(res)).toMatchObject({ status: 413, error: 'invalid_request' });
  });
});
