import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env';
import type { Config } from '../config';
import type { ActiveSession } from '../storage/ports';

/**
 * Cookie names: `__Host-` prefixed when the issuer is https, which pins them
 * to this host with `Path=/` and `Secure` (RFC 6265bis §4.1.3.2); plain names
 * for a http://localhost issuer in development.
 */
export function cookieName(config: Config, base: 'session' | 'interaction'): string {
  const name = `portcullis_${base}`;
  return config.issuer.startsWith('https:') ? `__Host-${name}` : name;
}

/** `HttpOnly; Secure; SameSite=Lax; Path=/`: never readable by script, sent on top-level navigations from clients. */
export function writeCookie(c: Context<AppEnv>, name: string, value: string, maxAge: number): void {
  setCookie(c, name, value, { httpOnly: true, secure: true, sameSite: 'Lax', path: '/', maxAge });
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
  const { secret, sid } = await services.sessions.start({ ...input, expires_at });
  await services.lifecycle.recordSession({ sid, sub: input.sub, created_at: input.auth_time, expires_at });
  writeCookie(c, cookieName(services.config, 'session'), secret, services.config.sessionLifetime);
  return { ...input, amr: input.amr, sid, expires_at, clients: {}, ended: false };
}
