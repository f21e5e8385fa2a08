import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createUser, registerClient, type RegisteredClient } from '../helpers/admin';
import { USER_CLAIMS } from '../helpers/grant';
import { authorizeUrl, callbackOf, loginAndConsent, newBrowser, parseForm, postForm, pushRequest, visit, type TestBrowser } from '../helpers/interaction';
import { basic, call, ISSUER } from '../helpers/worker';

const REDIRECT = 'https://rp.example/cb';
const CLAIMS = JSON.stringify({
  id_token: { email: null, phone_number: null, address: null },
  userinfo: { email: null, phone_number: null, address: null },
});

function client(scope: string): Promise<RegisteredClient> {
  return registerClient({ token_endpoint_auth_method: 'client_secret_basic', scope, grant_types: ['authorization_code', 'refresh_token'] });
}

async function authorize(reg: RegisteredClient, extra: Record<string, string>): Promise<URL> {
  const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, state: 'st', ...extra });
  return authorizeUrl({ client_id: reg.client_id, request_uri });
}

/** Signs in as `user` in `browser` and returns the consent page's HTML (not answered). */
async function consentPageAfterLogin(browser: TestBrowser, url: URL, user: { username: string; password: string }): Promise<string> {
  const login = parseForm(await (await visit(browser, url)).text());
  const next = await postForm(browser, login.action, { ...login.fields, username: user.username, password: user.password });
  expect(next.status).toBe(303);
  return (await visit(browser, new URL(next.headers.get('location')!, ISSUER))).text();
}

async function tokens(reg: RegisteredClient, code: string) {
  const res = await call('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(reg.client_id, reg.client_secret!) },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT }).toString(),
  });
  expect(res.status).toBe(200);
  const body = (await res.json()) as { access_token: string; id_token: string; scope: string; refresh_token?: string };
  const userinfo = (await (await call('/userinfo', { headers: { authorization: `Bearer ${body.access_token}` } })).json()) as Record<string, unknown>;
  return { ...body, idToken: decodeJwt(body.id_token), userinfo };
}

describe('the claims parameter stays within consent and the client\'s registered scope (OpenID Connect Core §5.5, §5.4)', () => {
  it('releases no claim named in claims that the client\'s registered scope does not cover, and does not list it (OIDC Core §5.4, §5.5)', async () => {
    const reg = await client('openid');
    const user = await createUser(undefined, undefined, USER_CLAIMS);
    const browser = newBrowser();
    const html = await consentPageAfterLogin(browser, await authorize(reg, { scope: 'openid', claims: CLAIMS }), user);
    expect(html).toContain('Know who you are');
    for (const words of ['email', 'phone', 'address']) expect(html).not.toContain(words);
    const form = parseForm(html);
    const cb = (await callbackOf(await postForm(browser, form.action, { ...form.fields, decision: 'allow' })))!;
    const { idToken, userinfo } = await tokens(reg, cb.params.get('code')!);
    for (const claim of ['email', 'phone_number', 'address']) expect(idToken[claim]).toBeUndefined();
    expect(userinfo).toEqual({ sub: user.sub });

    // Consent remembered for openid: prompt=none still releases none of them.
    const silent = await callbackOf(await visit(browser, await authorize(reg, { scope: 'openid', claims: CLAIMS, prompt: 'none' })));
    const again = await tokens(reg, silent!.params.get('code')!);
    for (const claim of ['email', 'phone_number', 'address']) expect(again.idToken[claim]).toBeUndefined();
    expect(again.userinfo).toEqual({ sub: user.sub });
  });

  it('shows each claim asked for by name as its own consent line and remembers it (OIDC Core §5.5, §3.1.2.4)', async () => {
    const reg = await client('openid email phone');
    const user = await createUser(undefined, undefined, USER_CLAIMS);
    const browser = newBrowser();
    const html = await consentPageAfterLogin(browser, await authorize(reg, { scope: 'openid', claims: CLAIMS }), user);
    expect(html).toContain('See your email address');
    expect(html).toContain('See your phone number');
    expect(html).not.toContain('postal address'); // address is outside the client's registered scope
    const form = parseForm(html);
    const cb = (await callbackOf(await postForm(browser, form.action, { ...form.fields, decision: 'allow' })))!;
    const first = await tokens(reg, cb.params.get('code')!);
    expect(first.idToken).toMatchObject({ email: USER_CLAIMS.email, phone_number: USER_CLAIMS.phone_number });
    expect(first.idToken.address).toBeUndefined();
    expect(first.userinfo).toEqual({ sub: user.sub, email: USER_CLAIMS.email, phone_number: USER_CLAIMS.phone_number });

    const silent = await callbackOf(await visit(browser, await authorize(reg, { scope: 'openid', claims: CLAIMS, prompt: 'none' })));
    expect(silent!.params.get('code')).toBeTruthy();
    expect((await tokens(reg, silent!.params.get('code')!)).idToken).toMatchObject({ email: USER_CLAIMS.email });
  });

  it('answers prompt=none with consent_required when claims are named that a remembered openid-only consent lacks (OIDC Core §5.5, §3.1.2.6)', async () => {
    const reg = await client('openid email phone address');
    const user = await createUser(undefined, undefined, USER_CLAIMS);
    const browser = newBrowser();
    const first = await loginAndConsent(await authorize(reg, { scope: 'openid' }), user, { browser });
    expect(first.params.get('code')).toBeTruthy();
    const res = await visit(browser, await authorize(reg, { scope: 'openid', claims: CLAIMS, prompt: 'none' }));
    const cb = await callbackOf(res);
    expect(Object.fromEntries(cb!.params)).toEqual({ error: 'consent_required', error_description: expect.any(String), state: 'st', iss: ISSUER });
  });
});

describe('offline_access only with consent obtained for it (OpenID Connect Core §11)', () => {
  it('grants offline_access after an Allow on a consent page that listed it (OIDC Core §11, README policy)', async () => {
    const reg = await client('openid offline_access');
    const user = await createUser();
    const cb = await loginAndConsent(await authorize(reg, { scope: 'openid offline_access' }), user);
    const body = await tokens(reg, cb.params.get('code')!);
    expect(body.scope).toBe('openid offline_access');
    expect(body.refresh_token).toBeTypeOf('string');
  });

  it('ignores offline_access when no consent page was shown for it: no refresh token (OIDC Core §11)', async () => {
    const reg = await client('openid offline_access');
    const user = await createUser();
    const browser = newBrowser();
    await loginAndConsent(await authorize(reg, { scope: 'openid offline_access', prompt: 'consent' }), user, { browser });
    const silent = await callbackOf(await visit(browser, await authorize(reg, { scope: 'openid offline_access', prompt: 'none' })));
    const body = await tokens(reg, silent!.params.get('code')!);
    expect(body.scope).toBe('openid');
    expect(body.refresh_token).toBeUndefined();
  });

  it('asks for consent again whenever offline_access is requested without prompt=none (OIDC Core §11: consent is always obtained)', async () => {
    const reg = await client('openid offline_access');
    const user = await createUser();
    const browser = newBrowser();
    await loginAndConsent(await authorize(reg, { scope: 'openid offline_access' }), user, { browser });
    const res = await visit(browser, await authorize(reg, { scope: 'openid offline_access' }));
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('Stay connected');
    expect(html).toContain('name="decision"');
  });
});
