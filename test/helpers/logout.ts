import * as oauth from 'oauth4webapi';
import { createUser, registerClient, type RegisteredClient } from './admin';
import { authorizeUrl, loginAndConsent, newBrowser, pushRequest, type Callback, type TestBrowser } from './interaction';
import { announceSecret } from './secrets';
import { getServices } from '../../src/storage/services';
import { basic, call, testEnv } from './worker';

/**
 * Logins that the logout tests end: a real browser login through the pages
 * (PAR → /authorize → login → consent), then the code exchanged at /token,
 * so the session, its grants and the ID token are the ones production makes.
 */
export const REDIRECT = 'https://rp.example/cb';
export const POST_LOGOUT = 'https://rp.example/logged-out';

export interface Tokens {
  id_token: string;
  access_token: string;
  refresh_token?: string;
}

export interface SignedIn {
  browser: TestBrowser;
  client: RegisteredClient;
  user: { sub: string; username: string; password: string };
  callback: Callback;
  tokens: Tokens;
}

/** Registers a confidential client with a post-logout redirect URI (plus `metadata`). */
export function logoutClient(metadata: Record<string, unknown> = {}): Promise<RegisteredClient> {
  return registerClient({
    token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], post_logout_redirect_uris: [POST_LOGOUT], ...metadata,
  });
}

/** Signs `user` in to `client` in `browser` (SSO when the browser already has a session) and redeems the code. */
export async function signInTo(
  client: RegisteredClient, user: SignedIn['user'], browser: TestBrowser, scope = 'openid profile',
): Promise<{ callback: Callback; tokens: Tokens }> {
  const code_verifier = oauth.generateRandomCodeVerifier();
  const request_uri = await pushRequest(client, {
    response_type: 'code', redirect_uri: REDIRECT, scope, state: 'st', nonce: oauth.generateRandomNonce(),
    code_challenge: await oauth.calculatePKCECodeChallenge(code_verifier), code_challenge_method: 'S256',
  });
  const callback = await loginAndConsent(authorizeUrl({ client_id: client.client_id, request_uri }), user, { browser });
  const code = callback.params.get('code');
  if (!code) throw new Error(`no code: ${callback.url.href}`);
  const res = await call('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, client.client_secret!) },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, code_verifier }).toString(),
  });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  const tokens = await res.json<Tokens>();
  announceSecret(tokens.access_token);
  announceSecret(tokens.refresh_token);
  return { callback, tokens };
}

/** A new user signed in to a new client (registered with `metadata`) in a new browser. */
export async function signIn(metadata: Record<string, unknown> = {}, scope?: string): Promise<SignedIn> {
  const client = await logoutClient(metadata);
  const user = await createUser();
  const browser = newBrowser();
  return { browser, client, user, ...(await signInTo(client, user, browser, scope)) };
}

/** The /logout URL with `params` (RP-Initiated Logout §2, GET). */
export function logoutUrl(params: Record<string, string> = {}): string {
  const url = new URL('/logout', 'https://op.example');
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return `${url.pathname}${url.search}`;
}

/** The session cookie's name for the workers project's https issuer. */
export const SESSION_COOKIE = '__Host-portcullis_session';

/** Whether the browser's session cookie still names a live session. */
export async function liveSession(browser: TestBrowser, cookie = SESSION_COOKIE): Promise<boolean> {
  const secret = browser.cookies.get(cookie);
  return secret !== undefined && (await getServices(testEnv).sessions.fromSecret(secret)) !== null;
}

/** A refresh at /token with the login's refresh token: 200 while its grant lives (RFC 6749 §6). */
export async function refreshStatus(s: SignedIn): Promise<number> {
  const res = await call('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(s.client.client_id, s.client.client_secret!) },
    body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: s.tokens.refresh_token! }).toString(),
  });
  return res.status;
}
