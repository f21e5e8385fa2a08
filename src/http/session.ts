import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env';
import type { Config } from '../config';
import { sha256b64 } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import type { ActiveSession } from '../storage/ports';

/**
 * Cookie names: `__Host-` prefixed when the issuer is https, which pins them
 * to this host with `Path=/` and `Secure` (RFC 6265bis §4.1.3.2); plain names
 * for a http://localhost issuer in development.
 */
export function cookieName(config: Config, base: 'session' | 'interaction' | 'browser_state'): string {
  const name = `portcullis_${base}`;
  return config.issuer.startsWith('https:') ? `__Host-${name}` : name;
}

/** `HttpOnly; Secure; SameSite=Lax; Path=/`: never readable by script, sent on top-level navigations from clients. */
export function writeCookie(c: Context<AppEnv>, name: string, value: string, maxAge: number): void {
  setCookie(c, name, value, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge });
}

/**
 * The OP browser-state cookie (OpenID Connect Session Management §3): the check_session
 * iframe's script reads it, so it is NOT HttpOnly and holds nothing secret, only a
 * random value that changes on every login and logout. `SameSite=None` so an RP's
 * frame can see it where the browser still allows third-party cookies.
 */
function writeBrowserState(c: Context<AppEnv>, value: string): void {
  const { config } = c.get('services');
  setCookie(c, cookieName(config, 'browser_state'), value, { httpOnly: false, secure: true, sameSite: 'None', path: '/', maxAge: config.sessionLifetime });
}

/** The browser's live session, or null. */
export async function readSession(c: Context<AppEnv>): Promise<ActiveSession | null> {
  const services = c.get('services');
  const secret = getCookie(c, cookieName(services.config, 'session'));
  return secret ? services.sessions.fromSecret(secret) : null;
}

/**
 * Starts a new session after a successful login, always under a new id so a
 * session id planted before login is worthless (session fixation, OWASP
 * Session Management: renew the id on any privilege change). A previous
 * session in this browser is ended.
 */
export async function startSession(
  c: Context<AppEnv>, previous: ActiveSession | null, input: { sub: string; auth_time: number; amr: string[]; acr?: string },
): Promise<ActiveSession> {
  const services = c.get('services');
  if (previous) await services.sessions.end(previous.sid);
  const expires_at = input.auth_time + services.config.sessionLifetime;
  const browser_state = randomToken(16);
  const { secret, sid } = await services.sessions.start({ ...input, expires_at, browser_state });
  await services.lifecycle.recordSession({ sid, sub: input.sub, created_at: input.auth_time, expires_at });
  writeCookie(c, cookieName(services.config, 'session'), secret, services.config.sessionLifetime);
  writeBrowserState(c, browser_state);
  return { ...input, amr: input.amr, sid, expires_at, clients: {}, ended: false, browser_state };
}

/** After logout: the session cookie is cleared and the browser state changes, so RPs polling check_session see `changed` (Session Management §3). */
export function clearSession(c: Context<AppEnv>): void {
  writeCookie(c, cookieName(c.get('services').config, 'session'), '', 0);
  writeBrowserState(c, randomToken(16));
}

/**
 * The CSRF token of the logout confirmation (RP-Initiated Logout §2, §6): derived from
 * the HttpOnly session secret, so a page of another site can neither read nor forge it,
 * and it dies with the session. Null without a session cookie.
 */
export async function logoutCsrfToken(c: Context<AppEnv>): Promise<string | null> {
  const secret = getCookie(c, cookieName(c.get('services').config, 'session'));
  return secret ? sha256b64(`logout-confirmation ${secret}`) : null;
}
