import { decodeJwt } from 'jose';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { adminRequest, createUser } from '../helpers/admin';
import { codeRequest, confidential, honestCode, honestTokens, postBasic, REDIRECT, redeemBasic, refreshBasic } from '../helpers/attack';
import { clientAssertion, clientKey } from '../helpers/jwt';
import { authorizeUrl, newBrowser, parseForm, postForm, pushRequest, visit } from '../helpers/interaction';
import { appWith } from '../helpers/par';
import { SECRET_MARKER } from '../helpers/secrets';
import { pkce } from '../helpers/rp';
import { ADMIN_TOKEN, basic, call, form, ISSUER } from '../helpers/worker';
import { expectJsonError } from '../helpers/errors';

/**
 * Attack catalogue: token leakage (RFC 9700 §4.2, §4.3; RFC 6749 §5.1, §10.3),
 * the admin API (DESIGN.md contract 2) and Host header games (RFC 9700 §4.4,
 * RFC 8414 §3.3: the issuer is configuration, never the request's Host).
 */

afterEach(() => vi.restoreAllMocks());

describe('token leakage (RFC 9700 §4.2, §4.3)', () => {
  it('RFC 9700 §4.2.4 — the redirect that carries the code, and the pages on its way, send Referrer-Policy: no-referrer', async () => {
    const reg = await confidential();
    const user = await createUser();
    const browser = newBrowser();
    const request_uri = await pushRequest(reg, codeRequest((await pkce()).code_challenge));
    const login = await visit(browser, authorizeUrl({ client_id: reg.client_id, request_uri }));
    expect(login.headers.get('referrer-policy')).toBe('no-referrer');
    const form1 = parseForm(await login.text());
    let res = await postForm(browser, form1.action, { ...form1.fields, username: user.username, password: user.password });
    res = await visit(browser, new URL(res.headers.get('location')!, ISSUER));
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    const consent = parseForm(await res.text());
    res = await postForm(browser, consent.action, { ...consent.fields, decision: 'allow' });
    expect(new URL(res.headers.get('location')!).searchParams.get('code')).toBeTruthy();
    expect(res.headers.get('referrer-policy')).toBe('no-referrer');
    expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('RFC 6749 §5.1 — /token answers, success and error, carry Cache-Control: no-store and Pragma: no-cache', async () => {
    const reg = await confidential();
    const flow = await honestCode(reg);
    const ok = await redeemBasic(reg, flow.code, flow.code_verifier);
    const bad = await redeemBasic(reg, flow.code, flow.code_verifier);
    for (const res of [ok, bad]) {
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(res.headers.get('pragma')).toBe('no-cache');
    }
    expect([ok.status, bad.status]).toEqual([200, 400]);
  });

  it('RFC 9126 §2.2 — /par answers, success and error, carry Cache-Control: no-store', async () => {
    const reg = await confidential();
    const ok = await postBasic('/par', codeRequest((await pkce()).code_challenge), reg);
    const bad = await postBasic('/par', { response_type: 'code' }, reg);
    expect([ok.status, bad.status]).toEqual([201, 400]);
    for (const res of [ok, bad]) expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('OIDC Core §5.3.2 / RFC 7662 §2.2 / RFC 7009 — /userinfo, /introspect and /revoke answers carry Cache-Control: no-store', async () => {
    const reg = await confidential();
    const { tokens } = await honestTokens(reg);
    const responses = [
      await call('/userinfo', { headers: { authorization: `Bearer ${tokens.access_token}` } }),
      await call('/userinfo', { headers: { authorization: 'Bearer not-a-token' } }),
      await call('/userinfo'),
      await postBasic('/introspect', { token: tokens.access_token }, reg),
      await postBasic('/introspect', { token: 'garbage' }, reg),
      await postBasic('/revoke', { token: tokens.access_token }, reg),
    ];
    expect(responses.map((r) => r.status)).toEqual([200, 401, 401, 200, 200, 200]);
    for (const res of responses) expect(res.headers.get('cache-control')).toBe('no-store');
  });

  it('RFC 9700 §4.3 — no code, token, secret, verifier or password appears in the log output of a whole flow, its failures included', async () => {
    const lines: string[] = [];
    // Test helpers announce the secrets they create to the suite-wide log scan (test/helpers/secrets.ts); those lines are not server output.
    const capture = (...args: unknown[]) => {
      const line = args.map(String).join(' ');
      if (!line.startsWith(SECRET_MARKER)) lines.push(line);
    };
    for (const level of ['log', 'info', 'warn', 'error', 'debug'] as const) vi.spyOn(console, level).mockImplementation(capture);

    const reg = await confidential();
    const { code, code_verifier, tokens, user } = await honestTokens(reg);
    await redeemBasic(reg, code, code_verifier); // replay: logged as code_replay
    const refreshed = (await (await refreshBasic(reg, tokens.refresh_token!)).json()) as Record<string, unknown>;
    await postBasic('/token', { grant_type: 'client_credentials' }, { client_id: reg.client_id, client_secret: 'wrong-secret-XYZ-123456' });
    const other = await confidential();
    const request_uri = await pushRequest(other, codeRequest((await pkce()).code_challenge));
    const browser = newBrowser();
    const page = parseForm(await (await visit(browser, authorizeUrl({ client_id: other.client_id, request_uri }))).text());
    await postForm(browser, page.action, { ...page.fields, username: user.username, password: 'a-wrong-password-987' });
    const key = await clientKey('ES256');
    const pkj = await confidential({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } });
    const assertion = await clientAssertion(pkj.client_id, key);
    await call('/par', form({ client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion, ...codeRequest((await pkce()).code_challenge) }));

    const output = lines.join('\n');
    expect(output).toContain('token_issued');
    expect(output).toContain('client_auth_failed');
    expect(output).toContain('login_failed');
    const secrets = {
      code, code_secret: code.split('.')[1]!, code_verifier, access_token: tokens.access_token, refresh_token: tokens.refresh_token!,
      refresh_secret: tokens.refresh_token!.split('.')[1]!, id_token: tokens.id_token!, new_refresh: String(refreshed.refresh_token),
      client_secret: reg.client_secret!, wrong_secret: 'wrong-secret-XYZ-123456', password: user.password, wrong_password: 'a-wrong-password-987',
      assertion, csrf: page.fields.csrf_token!, session: [...browser.cookies.values()].join('|') || 'no-cookie-value',
    };
    for (const [name, value] of Object.entries(secrets)) {
      expect(output.includes(value), `${name} leaked into the logs`).toBe(false);
    }
  });
});

describe('admin API (DESIGN.md contract 2)', () => {
  it('DESIGN.md contract 2 — no Authorization header is 401 invalid_token with a Bearer challenge', async () => {
    const res = await call('/admin/clients');
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer /);
    expect(await expectJsonError(res, 401)).toBe('invalid_token');
  });

  it.each([
    ['a wrong token', 'Bearer not-the-admin-token'],
    ['a prefix of the token', `Bearer ${ADMIN_TOKEN.slice(0, -1)}`],
    ['the token with a suffix', `Bearer ${ADMIN_TOKEN}x`],
    ['the token as Basic credentials', basic('admin', ADMIN_TOKEN)],
    ['the token without a scheme', ADMIN_TOKEN],
  ])('DESIGN.md contract 2 — %s is 401', async (_name, authorization) => {
    expect(await expectJsonError(await call('/admin/clients', { headers: { authorization } }), 401)).toBe('invalid_token');
  });

  it('RFC 6750 §2.3 — the admin token in the query string is not accepted (401), for reads and writes', async () => {
    expect(await expectJsonError(await call(`/admin/clients?access_token=${ADMIN_TOKEN}`), 401)).toBe('invalid_token');
    const res = await call(`/admin/users?access_token=${ADMIN_TOKEN}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'x', password: 'y' }) });
    expect(await expectJsonError(res, 401)).toBe('invalid_token');
  });

  it('RFC 6750 §2.2 — the admin token in a form body is not accepted (401)', async () => {
    const res = await call('/admin/clients', form({ access_token: ADMIN_TOKEN }));
    expect(await expectJsonError(res, 401)).toBe('invalid_token');
  });

  it('DESIGN.md contract 2 — without ADMIN_TOKEN configured the admin API answers 404, even to a bearer token', async () => {
    const fetch = appWith({ ADMIN_TOKEN: '' });
    expect((await fetch('/admin/clients', { headers: { authorization: 'Bearer ' } })).status).toBe(404);
    expect((await fetch('/admin/clients', { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(404);
  });

  it('DESIGN.md contract 2 — the correct token works (control) and answers no-store', async () => {
    const res = await adminRequest('GET', '/clients');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
  });
});

describe('Host header games (RFC 8414 §3.3, RFC 9207 §2)', () => {
  const EVIL = 'https://evil.example';
  const viaEvil = (path: string, init: RequestInit = {}) =>
    call(new URL(path, EVIL).toString(), {
      ...init, redirect: 'manual', headers: { ...(init.headers as Record<string, string>), host: 'evil.example', 'x-forwarded-host': 'evil.example' },
    });

  it('RFC 8414 §3.3 — discovery fetched through another Host still names the configured issuer and its endpoints', async () => {
    const meta = (await (await viaEvil('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    expect(meta.issuer).toBe(ISSUER);
    for (const [name, value] of Object.entries(meta)) {
      if (typeof value === 'string' && /^https?:/.test(value)) expect(value.startsWith(ISSUER), name).toBe(true);
    }
  });

  it('RFC 9207 §2 — an authorization response served through another Host carries iss = the configured issuer', async () => {
    const reg = await confidential();
    const par = await viaEvil('/par', { ...form(codeRequest((await pkce()).code_challenge, { prompt: 'none' })), headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(reg.client_id, reg.client_secret!) } });
    const { request_uri } = (await par.json()) as { request_uri: string };
    const res = await viaEvil(`/authorize?client_id=${encodeURIComponent(reg.client_id)}&request_uri=${encodeURIComponent(request_uri)}`);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('iss')).toBe(ISSUER);
  });

  it('OIDC Core §2 — ID and access tokens minted through another Host carry iss = the configured issuer', async () => {
    const reg = await confidential();
    const flow = await honestCode(reg);
    const res = await viaEvil('/token', {
      ...form({ grant_type: 'authorization_code', code: flow.code, code_verifier: flow.code_verifier, redirect_uri: REDIRECT }),
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(reg.client_id, reg.client_secret!) },
    });
    const tokens = (await res.json()) as { id_token: string; access_token: string };
    expect(decodeJwt(tokens.id_token).iss).toBe(ISSUER);
    expect(decodeJwt(tokens.access_token).iss).toBe(ISSUER);
    expect(decodeJwt(tokens.access_token).aud).toBe(`${ISSUER}/userinfo`);
  });

  it('RFC 7523 §3 item 3 — a client assertion addressed to the Host-derived token URL is refused (aud comes from configuration)', async () => {
    const key = await clientKey('ES256');
    const reg = await confidential({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, grant_types: ['client_credentials'], scope: 'api' });
    const assertion = await clientAssertion(reg.client_id, key, { aud: `${EVIL}/token` });
    const res = await viaEvil('/token', form({ grant_type: 'client_credentials', client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }));
    expect(await expectJsonError(res, 401)).toBe('invalid_client');
  });
});
