import type { Context } from 'hono';
import { getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env';
import { sha256b64, timingSafeEqualStrings } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import { InvalidRequest } from '../oauth/errors';
import type { InteractionRecord } from '../storage/ports';
import { cookieName, writeCookie } from './session';

const SECRET = /^[A-Za-z0-9_-]{43}$/;

/** The hidden input every interaction form carries (DESIGN.md contract 4). */
export const CSRF_FIELD = 'csrf_token';

/** 403, and never sent to the client: a forged or foreign form is nothing the client asked for. */
function forbidden(message: string) {
  return new InvalidRequest(message, { status: 403, allowRedirect: false });
}

/**
 * The browser-binding secret: an HttpOnly cookie that ties interactions to the
 * browser that started them, so an interaction link (and its CSRF token) is
 * useless in another browser (login CSRF, RFC 6749 §10.12). The browser's
 * current secret is reused while present, so several tabs can sign in at once;
 * nothing is written until `bindBrowser`.
 */
export function browserSecret(c: Context<AppEnv>): string {
  const current = getCookie(c, cookieName(c.get('services').config, 'interaction'));
  return current && SECRET.test(current) ? current : randomToken(32);
}

/** Sets (or renews) the browser-binding cookie to `secret`, for an interaction just started with it. */
export function bindBrowser(c: Context<AppEnv>, secret: string): void {
  writeCookie(c, cookieName(c.get('services').config, 'interaction'), secret, c.get('services').config.interactionLifetime);
}

/** Refuses an interaction opened in a browser other than the one that started it. */
export async function checkBrowserBinding(c: Context<AppEnv>, record: InteractionRecord): Promise<void> {
  const secret = getCookie(c, cookieName(c.get('services').config, 'interaction'));
  if (!secret || !(await timingSafeEqualStrings(await sha256b64(secret), record.browser))) {
    throw forbidden('this sign-in was started in another browser, or your browser did not send its cookie');
  }
}

/**
 * CSRF defence for every interaction POST (RFC 6749 §10.12): a same-origin
 * request (Origin / Sec-Fetch-Site, when the browser sends them), from the
 * browser bound to the interaction, carrying the interaction's synchronizer
 * token. Any failure is 403 and never reaches the client's redirect_uri.
 */
export async function verifyCsrf(c: Context<AppEnv>, record: InteractionRecord, form: Map<string, string>): Promise<void> {
  checkSameOrigin(c);
  await checkBrowserBinding(c, record);
  await checkCsrfToken(form, record.csrf);
}

/** Refuses a form POST a browser marks as sent from another site (Origin / Sec-Fetch-Site, when sent). */
export function checkSameOrigin(c: Context<AppEnv>): void {
  const origin = c.req.header('origin');
  // Our pages send Referrer-Policy: no-referrer, under which browsers send `Origin: null` even for
  // same-origin forms (Fetch §3.2.5), so "null" is no evidence either way: Sec-Fetch-Site and the
  // SameSite binding cookie decide then. The public origin is the issuer's, or the request's behind a proxy.
  const allowed = ['null', new URL(c.get('services').config.issuer).origin, new URL(c.req.url).origin];
  if (origin !== undefined && !allowed.includes(origin)) throw forbidden('the form was not sent from this site');
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw forbidden('the form was not sent from this site');
}

/** Checks a form's synchronizer token against `expected` (constant time); a missing or wrong one is 403, never redirected. */
export async function checkCsrfToken(form: Map<string, string>, expected: string | null): Promise<void> {
  const token = form.get(CSRF_FIELD);
  if (token === undefined || expected === null || !(await timingSafeEqualStrings(token, expected))) {
    throw forbidden('the form has expired or was not sent from this site');
  }
}
