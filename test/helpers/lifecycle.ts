import { adminRequest, type RegisteredClient } from './admin';
import { authorizeUrl, loginAndConsent, newBrowser, pushRequest, visit, callbackOf, type Callback, type TestBrowser } from './interaction';
import { pkce } from './rp';
import { announceSecret } from './secrets';
import { basic, call, form, testEnv } from './worker';

/** What a browser sign-in produced: the browser (with its session cookie), the code and its verifier. */
export interface SignedIn {
  browser: TestBrowser;
  code: string;
  code_verifier: string;
}

/**
 * Pushes a request for `client` (client_secret_basic), opens /authorize in
 * `browser` and signs in and consents as `user` through the real pages.
 * `offline_access` is asked with prompt=consent (OpenID Connect Core §11).
 */
export async function signIn(
  client: RegisteredClient, user: { username: string; password: string }, options: { scope?: string; browser?: TestBrowser } = {},
): Promise<SignedIn> {
  const browser = options.browser ?? newBrowser();
  const scope = options.scope ?? 'openid profile';
  const { code_verifier, code_challenge } = await pkce();
  const request_uri = await pushRequest(client, {
    response_type: 'code', redirect_uri: 'https://rp.example/cb', scope, code_challenge, code_challenge_method: 'S256',
    ...(scope.split(' ').includes('offline_access') && { prompt: 'consent' }),
  });
  const callback = await loginAndConsent(authorizeUrl({ client_id: client.client_id, request_uri }), user, { browser });
  const code = callback.params.get('code');
  if (!code) throw new Error(`no code: ${callback.url}`);
  announceSecret(code);
  return { browser, code, code_verifier };
}

/** Where a prompt=none authorization request of `client` in `browser` lands (OpenID Connect Core §3.1.2.6). */
export async function silentAuthorize(client: RegisteredClient, browser: TestBrowser, scope = 'openid profile'): Promise<Callback> {
  const { code_challenge } = await pkce();
  const request_uri = await pushRequest(client, {
    response_type: 'code', redirect_uri: 'https://rp.example/cb', scope, code_challenge, code_challenge_method: 'S256', prompt: 'none',
  });
  const callback = await callbackOf(await visit(browser, authorizeUrl({ client_id: client.client_id, request_uri })));
  if (!callback) throw new Error('prompt=none did not answer the client');
  return callback;
}

/** POST to a client-authenticated endpoint with client_secret_basic. */
export function clientPost(path: string, client: RegisteredClient, params: Record<string, string>): Promise<Response> {
  const init = form(params);
  return call(path, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: basic(client.client_id, client.client_secret!) } });
}

export interface Tokens { access_token: string; refresh_token?: string; id_token?: string }

/** Redeems a code at /token (RFC 6749 §4.1.3) and returns the tokens. */
export async function redeem(client: RegisteredClient, signedIn: SignedIn): Promise<Tokens> {
  const res = await clientPost('/token', client, {
    grant_type: 'authorization_code', code: signedIn.code, redirect_uri: 'https://rp.example/cb', code_verifier: signedIn.code_verifier,
  });
  if (res.status !== 200) throw new Error(`token request failed: ${res.status} ${await res.text()}`);
  const tokens = await res.json<Tokens>();
  announceSecret(tokens.access_token);
  announceSecret(tokens.refresh_token);
  return tokens;
}

export function refresh(client: RegisteredClient, refresh_token: string): Promise<Response> {
  return clientPost('/token', client, { grant_type: 'refresh_token', refresh_token });
}

export async function introspect(client: RegisteredClient, token: string): Promise<Record<string, unknown>> {
  const res = await clientPost('/introspect', client, { token });
  if (res.status !== 200) throw new Error(`introspection failed: ${res.status}`);
  return res.json<Record<string, unknown>>();
}

export function userinfo(access_token: string): Promise<Response> {
  return call('/userinfo', { headers: { authorization: `Bearer ${access_token}` } });
}

/** The live sessions the admin API lists for `sub`. */
export async function sessionsOf(sub: string): Promise<Array<{ sid: string; clients: string[] }>> {
  const res = await adminRequest('GET', `/users/${sub}/sessions`);
  if (res.status !== 200) throw new Error(`listing sessions failed: ${res.status}`);
  return (await res.json<{ sessions: Array<{ sid: string; clients: string[] }> }>()).sessions;
}

/** The back-channel logout delivery rows recorded for `sub` (D1 `logout_deliveries`). */
export async function deliveriesOf(sub: string): Promise<Array<Record<string, unknown>>> {
  const { results } = await testEnv.DB.prepare('SELECT * FROM logout_deliveries WHERE sub = ? ORDER BY created_at').bind(sub).all();
  return results;
}
