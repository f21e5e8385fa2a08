import { describe, expect, it } from 'vitest';
import * as oauth from 'oauth4webapi';
import { createUser, registerClient } from '../helpers/admin';
import { parseForm, setCookies } from '../helpers/interaction';
import { countingApp, type Counts } from '../helpers/storage-ops';
import { basic, ISSUER, unique } from '../helpers/worker';

/**
 * The billable operations of one whole login (issue 13, README "Cost and
 * capacity"): PAR → /authorize → login → consent → /token → /userinfo →
 * refresh → logout, on the real local bindings behind counting proxies, with
 * what Cloudflare bills counted too (Worker requests, D1 rows). The client
 * registration and key ring are cached by an earlier login, the account is
 * not (each user logs in rarely), as in production.
 */
const REDIRECT = 'https://rp.example/cb';
const FORM = { 'content-type': 'application/x-www-form-urlencoded' };
type Step = 'par' | 'authorize' | 'login' | 'consent' | 'token' | 'userinfo' | 'refresh' | 'logout';

async function wholeLogin(app: ReturnType<typeof countingApp>, client: { client_id: string; client_secret: string }): Promise<Record<Step, Counts>> {
  const { send, opsOf } = app;
  const cookies = new Map<string, string>();
  const ip = `203.0.113.${Math.floor(Math.random() * 254) + 1}`;
  const browse = async (path: string, fields?: Record<string, string>) => {
    const headers: Record<string, string> = { 'cf-connecting-ip': ip, origin: ISSUER };
    if (cookies.size) headers.cookie = [...cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    const init: RequestInit = fields ? { method: 'POST', body: new URLSearchParams(fields).toString(), headers: { ...headers, ...FORM } } : { headers };
    const res = await send(path, { ...init, redirect: 'manual' });
    for (const [name, line] of setCookies(res)) cookies.set(name, line.slice(name.length + 1).split(';')[0]!);
    return res;
  };
  const follow = async (res: Response) => {
    while (res.status === 302 || res.status === 303) {
      const location = res.headers.get('location')!;
      if (location.startsWith(REDIRECT)) return res;
      res = await browse(location);
    }
    return res;
  };
  const auth = { authorization: basic(client.client_id, client.client_secret) };
  const user = await createUser(unique('cost'));
  const verifier = oauth.generateRandomCodeVerifier();
  const steps = {} as Record<Step, Counts>;
  let page: Response | undefined;
  const step = async (name: Step, status: number, run: () => Response | Promise<Response>) => {
    const { status: got, ops } = await opsOf(async () => (page = await run()).clone());
    if (got !== status) throw new Error(`${name}: ${got} ${await page!.text()}`);
    steps[name] = ops;
  };

  const challenge = await oauth.calculatePKCECodeChallenge(verifier);
  await step('par', 201, () => send('/par', { method: 'POST', headers: { ...FORM, ...auth }, body: new URLSearchParams({
    response_type: 'code', client_id: client.client_id, redirect_uri: REDIRECT, scope: 'openid profile email offline_access', state: 's', nonce: 'n',
    code_challenge: challenge, code_challenge_method: 'S256',
  }).toString() }));
  const { request_uri } = (await page!.json()) as { request_uri: string };
  await step('authorize', 200, async () => follow(await browse(`/authorize?${new URLSearchParams({ client_id: client.client_id, request_uri })}`)));
  const login = parseForm(await page!.text());
  await step('login', 200, async () => follow(await browse(login.action, { ...login.fields, username: user.username, password: user.password })));
  const consent = parseForm(await page!.text());
  await step('consent', 303, async () => follow(await browse(consent.action, { ...consent.fields, decision: 'allow' })));
  const code = new URL(page!.headers.get('location')!).searchParams.get('code')!;
  await step('token', 200, () => send('/token', { method: 'POST', headers: { ...FORM, ...auth }, body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier: verifier }).toString() }));
  const tokens = (await page!.json()) as { access_token: string; refresh_token: string; id_token: string };
  await step('userinfo', 200, () => send('/userinfo', { headers: { authorization: `Bearer ${tokens.access_token}` } }));
  await step('refresh', 200, () => send('/token', { method: 'POST', headers: { ...FORM, ...auth }, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }).toString() }));
  await step('logout', 303, async () => {
    const res = await browse(`/logout?${new URLSearchParams({ id_token_hint: tokens.id_token, post_logout_redirect_uri: REDIRECT, client_id: client.client_id })}`);
    if (res.status !== 200) return res;
    const confirm = parseForm(await res.text());
    return browse(confirm.action, { ...confirm.fields, decision: 'logout' });
  });
  return steps;
}

function total(steps: Record<Step, Counts>): Counts {
  const sum: Counts = {};
  for (const ops of Object.values(steps)) for (const [k, v] of Object.entries(ops)) sum[k] = (sum[k] ?? 0) + v;
  return sum;
}

describe('billable operations of one whole login (issue 13, README "Cost and capacity")', () => {
  it('counts Worker requests, KV, D1 rows and Durable Object requests per step of PAR → login → consent → token → userinfo → refresh → logout (RFC 9126, OpenID Connect Core §3.1, §12, RP-Initiated Logout §2)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], post_logout_redirect_uris: [REDIRECT] });
    const client = { client_id: reg.client_id, client_secret: reg.client_secret! };
    const app = countingApp({ billing: true });
    await wholeLogin(app, client);
    const steps = await wholeLogin(app, client);
    expect(steps).toEqual({
      par: { 'Worker.requests': 1, 'KV.put': 1 },
      // GET /authorize reads the pushed request and stores the interaction; the login page is rendered in the same request.
      authorize: { 'Worker.requests': 1, 'KV.get': 1, 'KV.put': 1 },
      // POST login, then GET of the consent page. D1: the account by username and its state; one INSERT into `sessions` (6 rows written with its indexes).
      login: {
        'Worker.requests': 2, 'KV.get': 2, 'DO.LIMITER.reserve': 2, 'DO.LIMITER.reset': 1, 'DO.LIMITER.release': 1, 'DO.SESSIONS.start': 1, 'DO.SESSIONS.get': 1,
        'D1.prepare': 5, 'D1.first': 4, 'D1.run': 1, 'D1.rows_read': 4, 'D1.rows_written': 6,
      },
      // The remembered consent (one batch) and the `grants` lifecycle row: 12 rows written with their indexes.
      consent: {
        'Worker.requests': 1, 'KV.get': 1, 'DO.SESSIONS.get': 1, 'DO.GRANTS.issueCode': 1, 'DO.SESSIONS.addClient': 1,
        'D1.prepare': 4, 'D1.first': 1, 'D1.batch': 1, 'D1.run': 1, 'D1.rows_read': 0, 'D1.rows_written': 12,
      },
      token: { 'Worker.requests': 1, 'DO.GRANTS.redeemCode': 1 },
      userinfo: { 'Worker.requests': 1, 'DO.GRANTS.status': 1 },
      refresh: { 'Worker.requests': 1, 'DO.GRANTS.rotateRefresh': 1 },
      logout: { 'Worker.requests': 1, 'DO.SESSIONS.get': 1, 'DO.SESSIONS.end': 1, 'DO.GRANTS.revoke': 1 },
    });
    const sum = total(steps);
    const kinds = {
      worker: sum['Worker.requests'],
      kvReads: sum['KV.get'],
      kvWrites: sum['KV.put'],
      d1RowsRead: sum['D1.rows_read'],
      d1RowsWritten: sum['D1.rows_written'],
      doRequests: Object.entries(sum).filter(([k]) => k.startsWith('DO.')).reduce((n, [, v]) => n + v, 0),
    };
    // README "Cost and capacity" prices these; no Queue operation: the client has no back-channel logout URI.
    expect(kinds).toEqual({ worker: 9, kvReads: 4, kvWrites: 2, d1RowsRead: 4, d1RowsWritten: 18, doRequests: 15 });
  });
});
