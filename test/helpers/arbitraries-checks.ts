import { call, ISSUER } from './worker';

/**
 * The invariants every generated request is held to (issue 4), as plain
 * functions that throw a readable message, so fast-check reports the request.
 */

/** RFC 6749 §5.2: error_description is %x20-21 / %x23-5B / %x5D-7E. */
export const PRINTABLE_ASCII = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

/** A generated HTTP request, as data. */
export interface Sent {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
  body?: string | Uint8Array;
}

/** Where generated (attacker) requests come from; the tests' legitimate requests come from elsewhere. */
export const ATTACKER_IP = '203.0.113.66';

/** Sends `sent` to the Worker from ATTACKER_IP (redirects not followed). GET and HEAD never carry a body. */
export function send(sent: Sent): Promise<Response> {
  const headers = new Headers({ 'cf-connecting-ip': ATTACKER_IP });
  for (const [name, v] of Object.entries(sent.headers)) if (v !== undefined) headers.set(name, v);
  const body = sent.method === 'GET' || sent.method === 'HEAD' ? undefined : sent.body;
  return call(sent.path, { method: sent.method, headers, body, redirect: 'manual' });
}

/** A short printable form of a request for failure messages. */
export function describeSent(sent: Sent): string {
  const cut = (s: string) => (s.length > 300 ? `${s.slice(0, 300)}…(${s.length} chars)` : s);
  const body = sent.body === undefined ? '' : typeof sent.body === 'string' ? cut(sent.body) : `<${sent.body.byteLength} bytes>`;
  return JSON.stringify({ method: sent.method, path: cut(sent.path), headers: Object.fromEntries(Object.entries(sent.headers).map(([k, v]) => [k, v && cut(v)])), body });
}

/** Descriptions that are not printable ASCII, collected per test and asserted after the run (the lead's change is in flight). */
export class DescriptionLog {
  readonly bad: string[] = [];
  /** How often each `status error` outcome occurred, to see how deep the generated requests get. */
  readonly outcomes = new Map<string, number>();
  note(endpoint: string, description: string): void {
    if (!PRINTABLE_ASCII.test(description) && this.bad.length < 20) this.bad.push(`${endpoint}: ${JSON.stringify(description)}`);
  }
  count(outcome: string): void {
    this.outcomes.set(outcome, (this.outcomes.get(outcome) ?? 0) + 1);
  }
  /** The outcome tally, printed by scripts/fuzz.mjs runs (vitest hides output of passing tests otherwise). */
  summary(name: string): string {
    return `${name}: ${[...this.outcomes].sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k}×${n}`).join(', ')}`;
  }
}

/** The status an RFC error code is answered with. */
function statusFor(error: string, status: number): boolean {
  switch (error) {
    case 'invalid_client':
    case 'invalid_token':
      return status === 401;
    case 'insufficient_scope':
      return status === 403;
    case 'method_not_allowed':
      return status === 405;
    case 'not_found':
      return status === 404;
    case 'temporarily_unavailable':
    case 'slow_down':
      return status === 429 || status === 503;
    case 'invalid_request':
      return status === 400 || status === 413;
    default:
      return status === 400;
  }
}

export interface JsonRules {
  /** Error codes this endpoint may answer (beyond the HTTP-level not_found / method_not_allowed). */
  errors: readonly string[];
  /** Success statuses, whose bodies are not checked here. */
  ok: readonly number[];
  /** Other bodiless statuses that are fine (e.g. 401 without a body at /userinfo, 204 on a preflight). */
  bare?: readonly number[];
  log: DescriptionLog;
}

/**
 * Invariants 1 and 2: never a 5xx; a refusal is a JSON body with exactly
 * `error` (from the endpoint's set) and a string `error_description` (plus
 * `client_auth_id` on invalid_client), whose status matches the code; 405
 * carries `Allow`. Returns the status and the parsed body (null for success).
 */
export async function checkJson(res: Response, sent: Sent, rules: JsonRules): Promise<{ status: number; body: Record<string, unknown> | null }> {
  const fail = (why: string, text = '') => new Error(`${why}\n  status ${res.status}: ${text.slice(0, 400)}\n  request ${describeSent(sent)}`);
  const text = await res.text();
  if (res.status >= 500) throw fail('5xx answer', text);
  if (res.status === 405 && !res.headers.get('allow')) throw fail('405 without Allow', text);
  if (rules.ok.includes(res.status)) {
    rules.log.count(String(res.status));
    return { status: res.status, body: null };
  }
  if (sent.method === 'HEAD' || rules.bare?.includes(res.status)) {
    if (text !== '' && sent.method !== 'HEAD' && !/json/.test(res.headers.get('content-type') ?? '')) throw fail('unexpected non-JSON body', text);
    if (text === '') {
      rules.log.count(`${res.status} (empty)`);
      return { status: res.status, body: null };
    }
  }
  if (res.status < 400) throw fail('unexpected status', text);
  if (!/^application\/json/i.test(res.headers.get('content-type') ?? '')) throw fail('refusal is not JSON', text);
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text);
  } catch {
    throw fail('refusal body is not JSON', text);
  }
  // 429 temporarily_unavailable: a rate limit (e.g. failed client authentications), a refusal like any other.
  const allowed = [...rules.errors, 'not_found', 'method_not_allowed', 'temporarily_unavailable'];
  if (typeof body.error !== 'string' || !allowed.includes(body.error)) throw fail(`error not in ${allowed.join(',')}`, text);
  if (typeof body.error_description !== 'string') throw fail('error_description missing', text);
  const extra = Object.keys(body).filter((k) => !['error', 'error_description', ...(body.error === 'invalid_client' ? ['client_auth_id'] : [])].includes(k));
  if (extra.length > 0) throw fail(`unexpected members ${extra.join(',')}`, text);
  if (!statusFor(body.error, res.status)) throw fail(`status does not match ${body.error}`, text);
  rules.log.note(sent.path.split('?')[0]!, body.error_description);
  rules.log.count(`${res.status} ${body.error}`);
  return { status: res.status, body };
}

/** Where a front-channel response sends the browser: a Location or a form_post action, or null. */
export async function destinationOf(res: Response): Promise<string | null> {
  const location = res.headers.get('location');
  if (location !== null) return new URL(location, ISSUER).href;
  if (!/text\/html/.test(res.headers.get('content-type') ?? '')) return null;
  const html = await res.clone().text();
  if (!html.includes('document.forms[0].submit()')) return null;
  const action = /<form[^>]*action="([^"]*)"/.exec(html)?.[1];
  return action === undefined ? null : action.replace(/&amp;/g, '&');
}

/**
 * Invariant 3: an HTML endpoint answers an HTML page (never a 5xx) or sends
 * the browser only to this server or to a redirect_uri registered for the
 * client the request named (`registered`, by client_id), exact up to the
 * query/fragment this server appends.
 */
export async function checkFrontChannel(res: Response, sent: Sent, registered: ReadonlyMap<string, readonly string[]>, clientId: string | undefined): Promise<{ status: number; destination: string | null }> {
  const fail = (why: string) => new Error(`${why}\n  status ${res.status} location ${res.headers.get('location')}\n  request ${describeSent(sent)}`);
  if (res.status >= 500) throw fail(`5xx answer: ${(await res.clone().text()).slice(0, 300)}`);
  const destination = await destinationOf(res);
  if (destination === null) {
    if (res.status >= 300 && res.status < 400) throw fail('redirect without a usable Location');
    if (sent.method !== 'HEAD' && res.status !== 204 && !/^text\/html/.test(res.headers.get('content-type') ?? '') && res.status !== 405) {
      throw fail(`not an HTML page: ${res.headers.get('content-type')}`);
    }
    return { status: res.status, destination };
  }
  const url = new URL(destination);
  if (url.origin === ISSUER) return { status: res.status, destination };
  const uris = clientId === undefined ? [] : (registered.get(clientId) ?? []);
  const target = (u: string) => {
    const parsed = new URL(u);
    return `${parsed.origin}${parsed.pathname}`;
  };
  const base = `${url.origin}${url.pathname}`;
  const matches = uris.some((u) => target(u) === base && destination.startsWith(u.split('#')[0]!));
  if (!matches) throw fail(`sends the browser to ${destination}, not a registered redirect_uri of ${clientId}`);
  return { status: res.status, destination };
}
