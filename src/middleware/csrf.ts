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

function forbidden(message: string) {
  return new InvalidRequest(message, { status: 403 });
}

/**
 * The browser-binding secret: an HttpOnly cookie that ties interactions to the
 * browser that started them, so an interaction link (and its CSRF token) is
 * useless in another browser (login CSRF, RFC 6749 §10.12). Reused while
 * present, so several tabs can sign in at once.
 */
export function bindBrowser(c: Context<AppEnv>): string {
  const { config } = c.get('services');
  const name = cookieName(config, 'interaction');
  const current = getCookie(c, name);
  const secret = current && SECRET.test(current) ? current : randomToken(32);
  writeCookie(c, name, secret, config.interactionLifetime);
  return secret;
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
  const origin = c.req.header('origin');
  // Our pages send Referrer-Policy: no-referrer, under which browsers send `Origin: null` even for
  // same-origin forms (Fetch §3.2.5), so "null" is no evidence either way: Sec-Fetch-Site and the
  // SameSite binding cookie decide then. The public origin is the issuer's, or the request's behind a proxy.
  const allowed = ['null', new URL(c.get('services').config.issuer).origin, new URL(c.req.url).origin];
  if (origin !== undefined && !allowed.includes(origin)) throw forbidden('the form was not sent from this site');
  const site = c.req.header('sec-fetch-site');
  if (site !== undefined && site !== 'same-origin' && site !== 'none') throw forbidden('the form was not sent from this site');
  await checkBrowserBinding(c, record);
  const token = form.get(CSRF_FIELD);
  if (token === undefined || !(await timingSafeEqualStrings(token, record.csrf))) {
    throw forbidden('the form has expired or was not sent from this site');
  }
}
