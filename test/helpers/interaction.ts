import { basic, call, ISSUER } from './worker';

/**
 * A browser driven by plain HTTP against the Worker: a cookie jar, a client IP
 * (CF-Connecting-IP, unique per browser so login throttling never leaks across
 * tests) and manual redirects. Reusable by every flow that needs a code.
 */
export interface TestBrowser {
  cookies: Map<string, string>;
  ip: string;
}

export function newBrowser(ip = `198.51.100.${Math.floor(Math.random() * 254) + 1}-${crypto.randomUUID().slice(0, 6)}`): TestBrowser {
  return { cookies: new Map(), ip };
}

/** The cookies a response set, with their attributes, by name. */
export function setCookies(res: Response): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of (res.headers as Headers & { getSetCookie(): string[] }).getSetCookie()) out.set(line.slice(0, line.indexOf('=')), line);
  return out;
}

/** Sends a request as `browser`: its cookies go out, Set-Cookie comes back into the jar. Redirects are not followed. */
export async function visit(browser: TestBrowser, url: string | URL, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  if (browser.cookies.size > 0) headers.set('cookie', [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
  headers.set('cf-connecting-ip', browser.ip);
  const res = await call(String(url), { ...init, headers, redirect: 'manual' });
  for (const [name, line] of setCookies(res)) {
    const value = line.slice(name.length + 1).split(';')[0]!;
    if (/;\s*max-age=0/i.test(line) || value === '') browser.cookies.delete(name);
    else browser.cookies.set(name, value);
  }
  return res;
}

const unescape = (s: string) => s.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');

/** The first form of a page: its action and hidden fields. */
export function parseForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  if (action === undefined) throw new Error(`no form in page: ${html.slice(0, 300)}`);
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)) fields[unescape(m[1]!)] = unescape(m[2]!);
  return { action: unescape(action), fields };
}

export function postForm(browser: TestBrowser, action: string, fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return visit(browser, new URL(action, ISSUER), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: ISSUER, ...headers },
    body: new URLSearchParams(fields).toString(),
  });
}

/** Where the authorization response landed: the redirect (query or fragment) or the form_post target, with its parameters. */
export interface Callback {
  url: URL;
  params: URLSearchParams;
  mode: 'redirect' | 'form_post';
}

/** The Callback of a response, or null when it is a page of this server (or a redirect to one). */
export async function callbackOf(res: Response): Promise<Callback | null> {
  const location = res.headers.get('location');
  if (location !== null) {
    const url = new URL(location, ISSUER);
    if (url.origin === ISSUER) return null;
    return { url, params: url.hash ? new URLSearchParams(url.hash.slice(1)) : url.searchParams, mode: 'redirect' };
  }
  const html = await res.clone().text();
  if (!html.includes('document.forms[0].submit()')) return null;
  const form = parseForm(html);
  return { url: new URL(form.action), params: new URLSearchParams(form.fields), mode: 'form_post' };
}

export interface LoginOptions {
  browser?: TestBrowser;
  decision?: 'allow' | 'deny';
}

/**
 * Opens `authorizeUrl` as a browser, signs in as `user` on the login page and
 * answers the consent page when they appear, and returns where the response
 * went (a redirect to the client, or a form_post page).
 */
export async function loginAndConsent(authorizeUrl: string | URL, user: { username: string; password: string }, options: LoginOptions = {}): Promise<Callback> {
  const browser = options.browser ?? newBrowser();
  let res = await visit(browser, authorizeUrl);
  for (let i = 0; i < 6; i++) {
    const callback = await callbackOf(res);
    if (callback) return callback;
    if (res.status === 302 || res.status === 303) {
      res = await visit(browser, new URL(res.headers.get('location')!, ISSUER));
      continue;
    }
    const html = await res.text();
    if (res.status !== 200) throw new Error(`unexpected ${res.status}: ${html.slice(0, 500)}`);
    const form = parseForm(html);
    if (html.includes('name="password"')) {
      res = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
    } else if (html.includes('name="decision"')) {
      res = await postForm(browser, form.action, { ...form.fields, decision: options.decision ?? 'allow' });
    } else {
      throw new Error(`unexpected page: ${html.slice(0, 500)}`);
    }
  }
  throw new Error('too many steps without reaching the client');
}

/** An /authorize URL for a pushed request (RFC 9126 §4). */
export function authorizeUrl(params: Record<string, string>): URL {
  const url = new URL('/authorize', ISSUER);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url;
}

/** Pushes an authorization request with client_secret_basic and returns its request_uri (RFC 9126 §2). */
export async function pushRequest(client: { client_id: string; client_secret?: string }, params: Record<string, string>): Promise<string> {
  const res = await call('/par', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, client.client_secret!) },
    body: new URLSearchParams(params).toString(),
  });
  if (res.status !== 201) throw new Error(`PAR failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { request_uri: string }).request_uri;
}

