import { describe, expect, it } from 'vitest';
import { sha256b64 } from '../../src/crypto/hash';
import { splitToken } from '../../src/oauth/grant-data';
import { getServices } from '../../src/storage/services';
import { adminRequest, registerClient } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { issueCode } from '../helpers/grant';
import { authzParams } from '../helpers/par';
import { basic, call, form, testEnv, unique } from '../helpers/worker';

/**
 * CORS for browser-based clients (issue 11): the Fetch standard's CORS protocol
 * (§3.2: §3.2.2 preflight request, §3.2.3 response headers, §3.2.5 credentials)
 * as OAuth 2.0 for Browser-Based Applications (draft-ietf-oauth-browser-based-apps)
 * §6.3.3.4 needs it: the token, revocation, UserInfo and metadata endpoints are
 * called from the app's own origin.
 */
const origin = () => `https://${unique('spa')}.example`;
const corsHeaders = (res: Response) => [...res.headers.keys()].filter((h) => h.startsWith('access-control-'));

function preflight(path: string, from: string, method = 'POST') {
  return call(path, { method: 'OPTIONS', headers: { origin: from, 'access-control-request-method': method, 'access-control-request-headers': 'content-type,dpop' } });
}

function post(path: string, from: string | undefined, params: Record<string, string>, headers: Record<string, string> = {}) {
  const init = form(params);
  return call(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...(from && { origin: from }), ...headers } });
}

/** A public client whose redirect URI is on `app`, plus an extra `allowed_origins` entry. */
async function spaClient(app = origin(), extra = origin()) {
  const client = await registerClient({
    token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'],
    redirect_uris: [`${app}/cb`], allowed_origins: [extra],
  });
  return { client_id: client.client_id, app, extra, redirect_uri: `${app}/cb` };
}

async function tokens(spa: Awaited<ReturnType<typeof spaClient>>, from?: string, scope = 'openid offline_access') {
  const issued = await issueCode({ client_id: spa.client_id, redirect_uri: spa.redirect_uri, scope });
  const res = await post('/token', from, { grant_type: 'authorization_code', code: issued.code, redirect_uri: spa.redirect_uri, code_verifier: issued.code_verifier, client_id: spa.client_id });
  return { res, issued };
}

function expectAllowed(res: Response, from: string) {
  expect(res.headers.get('access-control-allow-origin')).toBe(from);
  expect(res.headers.get('access-control-expose-headers')).toBe('DPoP-Nonce, WWW-Authenticate');
  expect(res.headers.get('access-control-allow-credentials')).toBeNull();
  expect(res.headers.get('vary')).toContain('Origin');
}

describe('allowed_origins client metadata (issue 11; validated like redirect URIs, RFC 7591 §2)', () => {
  it('stores serialized https and loopback http origins and shows them in the admin API', async () => {
    const allowed = ['https://app.example', 'https://app.example:8443', 'http://localhost:5173', 'http://127.0.0.1:3000'];
    const created = await registerClient({ token_endpoint_auth_method: 'none', allowed_origins: allowed });
    expect(created.allowed_origins).toEqual(allowed);
    const read = await (await adminRequest('GET', `/clients/${created.client_id}`)).json<Record<string, unknown>>();
    expect(read.allowed_origins).toEqual(allowed);
  });

  for (const bad of ['https://app.example/', 'https://app.example/spa', 'https://app.example?x=1', 'https://app.example#f', 'http://app.example', 'https://App.Example', 'https://app.example:443', 'https://user@app.example', 'app.example', 'javascript:alert(1)', 42]) {
    it(`refuses ${JSON.stringify(bad)} with invalid_client_metadata naming allowed_origins (RFC 6454 §6.2 serialized origin)`, async () => {
      const res = await adminRequest('POST', '/clients', { redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'none', allowed_origins: [bad] });
      const body = await errorOf(res);
      expect(body.status).toBe(400);
      expect(body.error).toBe('invalid_client_metadata');
      expect(body.error_description).toMatch(/^allowed_origins: /);
    });
  }
});

describe('CORS preflight (Fetch standard §3.2.2, §3.2.3)', () => {
  it('answers 204 with the exact CORS headers for an origin of a registered redirect URI or allowed_origins, at /token and /revoke', async () => {
    const spa = await spaClient();
    for (const path of ['/token', '/revoke']) {
      for (const from of [spa.app, spa.extra]) {
        const res = await preflight(path, from);
        expect(res.status).toBe(204);
        expect(Object.fromEntries([...res.headers].filter(([h]) => h.startsWith('access-control-') || h === 'vary'))).toEqual({
          'access-control-allow-origin': from,
          'access-control-allow-methods': 'POST',
          'access-control-allow-headers': 'Authorization, Content-Type, DPoP',
          'access-control-max-age': '600',
          vary: 'Origin',
        });
      }
    }
  });

  it('answers 403 without any CORS header for an origin no client registered', async () => {
    await spaClient();
    for (const path of ['/token', '/revoke', '/par']) {
      const res = await preflight(path, origin());
      expect(res.status).toBe(403);
      expect(corsHeaders(res)).toEqual([]);
      expect(res.headers.get('vary')).toBe('Origin');
    }
  });

  it('at /par allows only origins of public clients (issue 11: a confidential client pushes from its back end)', async () => {
    const confidential = origin();
    await registerClient({ redirect_uris: [`${confidential}/cb`] });
    expect((await preflight('/par', confidential)).status).toBe(403);
    expect((await preflight('/token', confidential)).status).toBe(204);
    const spa = await spaClient();
    expect((await preflight('/par', spa.app)).headers.get('access-control-allow-origin')).toBe(spa.app);
  });

  it('answers any origin with * at /userinfo, discovery and /jwks, DPoP allowed', async () => {
    const from = origin();
    for (const [path, methods] of [['/userinfo', 'GET, POST'], ['/.well-known/openid-configuration', 'GET'], ['/.well-known/oauth-authorization-server', 'GET'], ['/jwks', 'GET']] as const) {
      const res = await preflight(path, from, 'GET');
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe('*');
      expect(res.headers.get('access-control-allow-methods')).toBe(methods);
      expect(res.headers.get('access-control-allow-headers')).toBe('Authorization, Content-Type, DPoP');
      expect(res.headers.get('access-control-allow-credentials')).toBeNull();
      const get = await call(path, { headers: { origin: from } });
      expect(get.headers.get('access-control-allow-origin')).toBe('*');
    }
  });

  it('leaves a plain OPTIONS (no Access-Control-Request-Method) to the endpoint: 405 with Allow (RFC 9110 §15.5.6)', async () => {
    const spa = await spaClient();
    const res = await call('/token', { method: 'OPTIONS', headers: { origin: spa.app } });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('POST');
  });
});

describe('CORS on the token endpoint (RFC 6749 §3.2; Browser-Based Applications §6.3.3.4)', () => {
  it('lets the client\'s registered origin read its tokens, without Access-Control-Allow-Credentials (Fetch §3.2.5)', async () => {
    const spa = await spaClient();
    const { res } = await tokens(spa, spa.app);
    expect(res.status).toBe(200);
    expectAllowed(res, spa.app);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('sends no CORS header to an origin registered for another client, and the answer is otherwise the same', async () => {
    const spa = await spaClient();
    const other = await spaClient();
    const { res } = await tokens(spa, other.app);
    expect(res.status).toBe(200);
    expect(corsHeaders(res)).toEqual([]);
    expect(Object.keys(await res.json<Record<string, unknown>>()).sort()).toEqual(['access_token', 'expires_in', 'id_token', 'refresh_token', 'scope', 'token_type']);
  });

  it('lets the client\'s origin read its errors (invalid_grant) and gives an unregistered origin the same error without CORS (RFC 6749 §5.2)', async () => {
    const spa = await spaClient();
    const params = { grant_type: 'authorization_code', code: 'bogus', redirect_uri: spa.redirect_uri, code_verifier: 'a'.repeat(43), client_id: spa.client_id };
    const allowed = await post('/token', spa.app, params);
    const refused = await post('/token', origin(), params);
    expectAllowed(allowed, spa.app);
    expect(corsHeaders(refused)).toEqual([]);
    expect(await errorOf(refused)).toEqual(await errorOf(allowed));
    expect(allowed.status).toBe(400);
  });

  it('answers invalid_client with CORS only when the origin belongs to the client the request names (RFC 6749 §5.2)', async () => {
    const app = origin();
    const confidential = await registerClient({ redirect_uris: [`${app}/cb`] });
    const wrongSecret = await post('/token', app, { grant_type: 'client_credentials' }, { authorization: basic(confidential.client_id, 'wrong') });
    expect((await errorOf(wrongSecret)).error).toBe('invalid_client');
    expect(wrongSecret.headers.get('access-control-allow-origin')).toBe(app);
    const unknown = await post('/token', app, { grant_type: 'authorization_code', code: 'x', client_id: unique('nobody') });
    expect((await errorOf(unknown)).error).toBe('invalid_client');
    expect(corsHeaders(unknown)).toEqual([]);
  });
});

describe('CORS on /revoke and /par (RFC 7009 §2, RFC 9126 §2)', () => {
  it('revocation answers the client\'s origin with CORS and any other origin with the same 200 without it', async () => {
    const spa = await spaClient();
    const { res } = await tokens(spa, spa.app);
    const { refresh_token, access_token } = await res.json<{ refresh_token: string; access_token: string }>();
    const refused = await post('/revoke', origin(), { token: access_token, client_id: spa.client_id });
    expect(refused.status).toBe(200);
    expect(corsHeaders(refused)).toEqual([]);
    const allowed = await post('/revoke', spa.extra, { token: refresh_token, client_id: spa.client_id });
    expect(allowed.status).toBe(200);
    expectAllowed(allowed, spa.extra);
  });

  it('PAR answers a public client\'s origin with CORS, a confidential client\'s origin without (issue 11)', async () => {
    const spa = await spaClient();
    const pushed = await post('/par', spa.app, { ...authzParams({ redirect_uri: spa.redirect_uri }), client_id: spa.client_id });
    expect(pushed.status).toBe(201);
    expectAllowed(pushed, spa.app);
    const app = origin();
    const confidential = await registerClient({ redirect_uris: [`${app}/cb`] });
    const back = await post('/par', app, authzParams({ redirect_uri: `${app}/cb` }), { authorization: basic(confidential.client_id, confidential.client_secret!) });
    expect(back.status).toBe(201);
    expect(corsHeaders(back)).toEqual([]);
  });
});

describe('refresh tokens of public clients (Browser-Based Applications §6.3.2.3)', () => {
  it('expire PUBLIC_CLIENT_REFRESH_LIFETIME (24 h) after the code exchange, and rotation does not extend them', async () => {
    const spa = await spaClient();
    const services = getServices(testEnv);
    const before = services.now();
    const { res } = await tokens(spa, spa.app);
    const { refresh_token } = await res.json<{ refresh_token: string }>();
    const refreshed = await post('/token', spa.app, { grant_type: 'refresh_token', refresh_token, client_id: spa.client_id });
    expect(refreshed.status).toBe(200);
    expectAllowed(refreshed, spa.app);
    const next = (await refreshed.json<{ refresh_token: string }>()).refresh_token;
    const parts = splitToken(next)!;
    const check = await services.grants.grant(parts.handle).checkRefresh({ presented_hash: await sha256b64(parts.secret), now: services.now() });
    expect(check.ok).toBe(true);
    if (!check.ok) return;
    expect(check.refresh_expires_at).toBeGreaterThanOrEqual(before + 86_400);
    expect(check.refresh_expires_at).toBeLessThanOrEqual(services.now() + 86_400);
    const later = await services.grants.grant(parts.handle).checkRefresh({ presented_hash: await sha256b64(parts.secret), now: check.refresh_expires_at });
    expect(later).toEqual({ ok: false, reason: 'expired' });
  });
});
