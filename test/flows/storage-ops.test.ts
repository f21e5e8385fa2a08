import { beforeEach, describe, expect, it } from 'vitest';
import { createUser, registerClient } from '../helpers/admin';
import { parseForm, setCookies } from '../helpers/interaction';
import { issueCode } from '../helpers/grant';
import { clientAssertion, clientKey } from '../helpers/jwt';
import { authzParams } from '../helpers/par';
import { countingApp } from '../helpers/storage-ops';
import { basic, ISSUER, unique } from '../helpers/worker';

/**
 * Storage operations per request, held as facts (issue 5: "PAR path exactly
 * one KV write, no Durable Object call and no D1 query when the client
 * registration is cached; token path one Durable Object round trip").
 * The app runs on the real local bindings behind counting proxies (test/helpers/storage-ops.ts).
 */
const { send, post, opsOf, reset } = countingApp();

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function secretClient() {
  const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'] });
  return { ...reg, auth: { authorization: basic(reg.client_id, reg.client_secret!) } };
}

async function exchange(client: Awaited<ReturnType<typeof secretClient>>, issued: Awaited<ReturnType<typeof issueCode>>) {
  return post('/token', { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier }, client.auth);
}

/** A browser on the counting app: a cookie jar and manual redirects (test/helpers/interaction.ts does the same on the default app). */
function countingBrowser() {
  const cookies = new Map<string, string>();
  const ip = `203.0.113.${Math.floor(Math.random() * 254) + 1}`;
  return async (path: string, fields?: Record<string, string>): Promise<Response> => {
    const headers: Record<string, string> = { 'cf-connecting-ip': ip, origin: ISSUER };
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const init: RequestInit = fields
      ? { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' } }
      : { headers };
    const res = await send(path, { ...init, redirect: 'manual' });
    for (const [name, line] of setCookies(res)) cookies.set(name, line.slice(name.length + 1).split(';')[0]!);
    return res;
  };
}

describe('storage operations per request (issue 5, docs/storage.md)', () => {
  beforeEach(() => {
    reset();
  });

  it('PAR with client_secret_basic for a cached client: exactly one KV put, no KV read, no D1, no Durable Object (RFC 9126 §2)', async () => {
    const client = await secretClient();
    expect(await opsOf(() => post('/par', authzParams(), client.auth))).toEqual({ status: 201, ops: { 'D1.prepare': 1, 'D1.first': 1, 'KV.put': 1 } });
    expect(await opsOf(() => post('/par', authzParams(), client.auth))).toEqual({ status: 201, ops: { 'KV.put': 1 } });
  });

  it('PAR with private_key_jwt for a cached client: one KV put and one ReplayGuard claim (RFC 7523 §3 item 7)', async () => {
    const key = await clientKey('ES256');
    const reg = await registerClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } });
    const par = async () => post('/par', { ...authzParams(), client_assertion_type: JWT_BEARER, client_assertion: await clientAssertion(reg.client_id, key) });
    expect((await opsOf(par)).status).toBe(201);
    expect(await opsOf(par)).toEqual({ status: 201, ops: { 'KV.put': 1, 'DO.REPLAY.claim': 1 } });
  });

  it('authorization_code token request for a cached client: one Grant round trip (redeemCode), nothing else (RFC 6749 §4.1.3)', async () => {
    const client = await secretClient();
    const warm = await issueCode({ client_id: client.client_id, scope: 'openid profile email' });
    expect((await opsOf(() => exchange(client, warm))).status).toBe(200); // client registration and key ring now cached
    const issued = await issueCode({ client_id: client.client_id, scope: 'openid profile email', sub: warm.sub });
    expect(await opsOf(() => exchange(client, issued))).toEqual({ status: 200, ops: { 'DO.GRANTS.redeemCode': 1 } });
  });

  it('claims.id_token adds one D1 read of the account, and none while the account is cached (OpenID Connect Core §5.5)', async () => {
    const client = await secretClient();
    const claims = JSON.stringify({ id_token: { email: null } });
    const warm = await issueCode({ client_id: client.client_id, scope: 'openid' });
    expect((await opsOf(() => exchange(client, warm))).status).toBe(200);
    const first = await issueCode({ client_id: client.client_id, scope: 'openid', data: { claims } });
    expect(await opsOf(() => exchange(client, first))).toEqual({ status: 200, ops: { 'DO.GRANTS.redeemCode': 1, 'D1.prepare': 1, 'D1.first': 1 } });
    const again = await issueCode({ client_id: client.client_id, scope: 'openid', sub: first.sub, data: { claims } });
    expect(await opsOf(() => exchange(client, again))).toEqual({ status: 200, ops: { 'DO.GRANTS.redeemCode': 1 } });
  });

  it('userinfo: one Grant status check; the account is read from D1 once, then from isolate memory (OpenID Connect Core §5.3)', async () => {
    const client = await secretClient();
    const issued = await issueCode({ client_id: client.client_id, scope: 'openid profile' });
    const res = await exchange(client, issued);
    const { access_token } = (await res.json()) as { access_token: string };
    const userinfo = () => send('/userinfo', { headers: { authorization: `Bearer ${access_token}` } });
    expect(await opsOf(userinfo)).toEqual({ status: 200, ops: { 'DO.GRANTS.status': 1, 'D1.prepare': 1, 'D1.first': 1 } });
    expect(await opsOf(userinfo)).toEqual({ status: 200, ops: { 'DO.GRANTS.status': 1 } });
  });

  it('introspection: one Grant round trip per token, no KV or D1 for a cached client (RFC 7662 §2)', async () => {
    const client = await secretClient();
    const issued = await issueCode({ client_id: client.client_id, scope: 'openid offline_access' });
    const tokens = (await (await exchange(client, issued)).json()) as { access_token: string; refresh_token: string };
    expect(await opsOf(() => post('/introspect', { token: tokens.access_token }, client.auth))).toEqual({ status: 200, ops: { 'DO.GRANTS.status': 1 } });
    expect(await opsOf(() => post('/introspect', { token: tokens.refresh_token }, client.auth))).toEqual({ status: 200, ops: { 'DO.GRANTS.checkRefresh': 1 } });
  });

  it('login and code issuance each add one D1 write, the lifecycle index row; /token adds none, see above (DESIGN.md "What logout ends")', async () => {
    const client = await secretClient();
    const user = await createUser(unique('ops'));
    const request_uri = ((await (await post('/par', authzParams(), client.auth)).json()) as { request_uri: string }).request_uri;
    const browse = countingBrowser();
    let loginPage = await browse(`/authorize?client_id=${client.client_id}&request_uri=${encodeURIComponent(request_uri)}`);
    if (loginPage.status === 303 || loginPage.status === 302) loginPage = await browse(loginPage.headers.get('location')!);
    const loginHtml = await loginPage.text();
    if (!loginHtml.includes('name="password"')) throw new Error(`${loginPage.status} ${loginHtml.slice(-800)}`);
    const login = parseForm(loginHtml);
    let consentPage: Response | undefined;
    const signIn = await opsOf(async () => (consentPage = await browse(login.action, { ...login.fields, username: user.username, password: user.password })).clone());
    // Writes at login: the Session object and one D1 INSERT into `sessions` (the lifecycle index row). Reads depend on
    // which registrations and accounts this isolate has cached, so only writes are held here.
    expect(signIn.status).toBe(303);
    expect(signIn.ops).toMatchObject({ 'DO.SESSIONS.start': 1, 'D1.run': 1 });
    expect(signIn.ops['D1.batch']).toBeUndefined();
    const redirected = consentPage!.headers.get('location');
    const consent = parseForm(await (redirected ? await browse(redirected) : consentPage!).text());
    const issued = await opsOf(() => browse(consent.action, { ...consent.fields, decision: 'allow' }));
    // Writes at code issuance: the Grant object, the session's client list, one D1 batch (the remembered consent:
    // its scope row and its claims rows in one transaction) and one D1 run (the INSERT into `grants`, the lifecycle index row).
    expect(issued.status).toBe(303);
    expect(issued.ops).toMatchObject({ 'DO.GRANTS.issueCode': 1, 'DO.SESSIONS.addClient': 1, 'D1.batch': 1, 'D1.run': 1 });
  });

  it('discovery and JWKS: no storage operation once the key ring and the API types are cached (OpenID Connect Discovery §4, RFC 7517 §5, RFC 9396 §10)', async () => {
    await opsOf(() => send('/jwks'));
    // A cold isolate reads the registered authorization_details types once (authorization_details_types_supported).
    expect(await opsOf(() => send('/.well-known/openid-configuration'))).toEqual({ status: 200, ops: { 'D1.prepare': 1, 'D1.all': 1 } });
    expect(await opsOf(() => send('/.well-known/openid-configuration'))).toEqual({ status: 200, ops: {} });
    expect(await opsOf(() => send('/jwks'))).toEqual({ status: 200, ops: {} });
  });
});
