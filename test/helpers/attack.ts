import { createUser, registerClient, type RegisteredClient } from './admin';
import { authorizeUrl, loginAndConsent, newBrowser, pushRequest, type Callback, type TestBrowser } from './interaction';
import { pkce } from './rp';
import { basic, call, form } from './worker';

/**
 * Shared moves of the attack catalogue (test/security/attack-*.test.ts): the
 * honest flow an attacker piggybacks on. The assertions every attack ends with
 * (an HTML error page that never redirects, an RFC error body) are in errors.ts.
 */

export const REDIRECT = 'https://rp.example/cb';

/** A confidential client_secret_basic client with the code and refresh grants. */
export function confidential(metadata: Record<string, unknown> = {}): Promise<RegisteredClient> {
  return registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], ...metadata });
}

/** A public client (token_endpoint_auth_method none) with the code and refresh grants. */
export function publicClient(metadata: Record<string, unknown> = {}): Promise<RegisteredClient> {
  return registerClient({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], ...metadata });
}

/** POST a form to `path` with client_secret_basic credentials (or none). */
export function postBasic(path: string, params: Record<string, string>, client?: { client_id: string; client_secret?: string }, headers: Record<string, string> = {}): Promise<Response> {
  const init = form(params);
  return call(path, {
    ...init,
    headers: { ...(init.headers as Record<string, string>), ...(client && { authorization: basic(client.client_id, client.client_secret!) }), ...headers },
  });
}

/** The parameters of an authorization code request with S256 PKCE. */
export function codeRequest(code_challenge: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    response_type: 'code', redirect_uri: REDIRECT, scope: 'openid profile offline_access', prompt: 'consent',
    state: `st-${crypto.randomUUID()}`, nonce: `n-${crypto.randomUUID()}`, code_challenge, code_challenge_method: 'S256', ...extra,
  };
}

export interface HonestFlow {
  code: string;
  code_verifier: string;
  callback: Callback;
  user: { username: string; password: string; sub: string };
  browser: TestBrowser;
}

/**
 * The honest front channel: a confidential client pushes a request with PKCE
 * (RFC 9126 §2), the user logs in and consents; returns the code and its verifier.
 */
export async function honestCode(client: RegisteredClient, extra: Record<string, string> = {}, browser: TestBrowser = newBrowser()): Promise<HonestFlow> {
  const user = await createUser();
  const { code_verifier, code_challenge } = await pkce();
  const request_uri = await pushRequest(client, codeRequest(code_challenge, extra));
  const callback = await loginAndConsent(authorizeUrl({ client_id: client.client_id, request_uri }), user, { browser });
  const code = callback.params.get('code');
  if (!code) throw new Error(`no code in the callback: ${callback.url}`);
  return { code, code_verifier, callback, user, browser };
}

export interface Tokens {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  scope: string;
}

/** Redeems a code at /token with client_secret_basic (RFC 6749 §4.1.3). */
export function redeemBasic(client: RegisteredClient, code: string, code_verifier: string | undefined, extra: Record<string, string> = {}): Promise<Response> {
  return postBasic('/token', {
    grant_type: 'authorization_code', code, redirect_uri: REDIRECT, ...(code_verifier !== undefined && { code_verifier }), ...extra,
  }, client);
}

/** The whole honest flow to tokens for a confidential client. */
export async function honestTokens(client: RegisteredClient, extra: Record<string, string> = {}): Promise<HonestFlow & { tokens: Tokens }> {
  const flow = await honestCode(client, extra);
  const res = await redeemBasic(client, flow.code, flow.code_verifier);
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${await res.text()}`);
  return { ...flow, tokens: await res.json() };
}

/** GET /userinfo with a bearer token; returns the status. */
export async function userinfoStatus(token: string): Promise<number> {
  return (await call('/userinfo', { headers: { authorization: `Bearer ${token}` } })).status;
}

/** A refresh_token grant with client_secret_basic. */
export function refreshBasic(client: RegisteredClient, refresh_token: string, extra: Record<string, string> = {}): Promise<Response> {
  return postBasic('/token', { grant_type: 'refresh_token', refresh_token, ...extra }, client);
}

/** base64url of a JSON value or bytes, for hand-built JWTs. */
export function b64u(value: unknown): string {
  const bytes = value instanceof Uint8Array ? value : new TextEncoder().encode(JSON.stringify(value));
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** HS256 over `header.payload` keyed with arbitrary bytes: the algorithm-confusion forgery (RFC 8725 §2.1). */
export async function hs256With(keyBytes: Uint8Array, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  const input = `${b64u({ ...header, alg: 'HS256' })}.${b64u(payload)}`;
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(input)));
  return `${input}.${b64u(sig)}`;
}

/** Replaces the signature of a compact JWS with nothing (signature stripping). */
export function stripSignature(jwt: string): string {
  return jwt.split('.').slice(0, 2).join('.') + '.';
}

/**
 * An ES256 JWS over exactly the header and payload given, signed with WebCrypto
 * (jose refuses to produce some of the malformed headers the attacks need, e.g. `crit`).
 */
export async function es256Raw(privateKey: CryptoKey, header: Record<string, unknown>, payload: Record<string, unknown>): Promise<string> {
  const input = `${b64u({ ...header, alg: 'ES256' })}.${b64u(payload)}`;
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, privateKey, new TextEncoder().encode(input)));
  return `${input}.${b64u(sig)}`;
}

/** The honest flow of a public client (token_endpoint_auth_method none): PAR and /token with client_id only. */
export async function publicTokens(client: RegisteredClient, extra: Record<string, string> = {}): Promise<HonestFlow & { tokens: Tokens }> {
  const user = await createUser();
  const browser = newBrowser();
  const { code_verifier, code_challenge } = await pkce();
  const par = await call('/par', form({ client_id: client.client_id, ...codeRequest(code_challenge, extra) }));
  if (par.status !== 201) throw new Error(`PAR failed: ${par.status} ${await par.text()}`);
  const { request_uri } = (await par.json()) as { request_uri: string };
  const callback = await loginAndConsent(authorizeUrl({ client_id: client.client_id, request_uri }), user, { browser });
  const code = callback.params.get('code')!;
  const res = await call('/token', form({ grant_type: 'authorization_code', client_id: client.client_id, code, code_verifier, redirect_uri: REDIRECT }));
  if (res.status !== 200) throw new Error(`token exchange failed: ${res.status} ${await res.text()}`);
  return { code, code_verifier, callback, user, browser, tokens: await res.json() };
}
