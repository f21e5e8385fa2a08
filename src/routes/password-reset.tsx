import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie } from 'hono/cookie';
import type { AppEnv } from '../app-env';
import { randomToken } from '../crypto/random';
import { timingSafeEqualStrings } from '../crypto/hash';
import { sendPage } from '../http/browser-responses';
import { checkCsrfToken, checkSameOrigin, CSRF_FIELD } from '../http/csrf';
import { readForm } from '../http/form';
import { writeCookie } from '../http/session';
import { logEvent } from '../log';
import { browserFacing, securityHeaders } from '../middleware/security-headers';
import { InvalidRequest } from '../oauth/errors';
import { completeReset, RESET_LINK, RESET_PATH, resetLinkUsable } from '../oauth/password-reset';
import { PasswordResetDonePage, PasswordResetPage } from '../ui/password-reset-page';

/**
 * The page a one-time password reset link opens (`GET|POST /password-reset`,
 * issue 13). CSRF defence as on the login page (RFC 6749 §10.12): same-origin
 * POST only, and a synchronizer token that must match an HttpOnly, SameSite
 * cookie set with the form. The link's token is spent atomically on success.
 */
export const passwordResetRoutes = new Hono<AppEnv>();
passwordResetRoutes.use('*', securityHeaders, browserFacing);

const LINK_GONE = 'This password reset link has expired or was already used. Ask for a new one.';
const MISMATCH = 'The two passwords are not the same.';
const TOO_SHORT = 'Choose a password of 8 to 1024 characters.';

function cookieName(c: Context<AppEnv>): string {
  return c.get('services').config.issuer.startsWith('https:') ? '__Host-portcullis_reset' : 'portcullis_reset';
}

function sendForm(c: Context<AppEnv>, token: string, csrf: string, error?: string): Response {
  return sendPage(c, (page) => <PasswordResetPage page={page} action={RESET_PATH} csrf={csrf} token={token} error={error} />, { status: error ? 400 : 200 });
}

passwordResetRoutes.get('/', async (c) => {
  const token = c.req.query('token');
  if (!(await resetLinkUsable(token, c.get('services')))) throw new InvalidRequest(LINK_GONE, { allowRedirect: false });
  const csrf = randomToken(32);
  writeCookie(c, cookieName(c), csrf, RESET_LINK.max);
  return sendForm(c, token!, csrf);
});

passwordResetRoutes.post('/', async (c) => {
  const services = c.get('services');
  const form = await readForm(c, services.config.maxBodyBytes);
  checkSameOrigin(c);
  const cookie = getCookie(c, cookieName(c)) ?? null;
  await checkCsrfToken(form, cookie);
  const token = form.get('token') ?? '';
  const password = form.get('password') ?? '';
  if (!(await timingSafeEqualStrings(password, form.get('password_confirm') ?? ''))) return sendForm(c, token, form.get(CSRF_FIELD)!, MISMATCH);
  const outcome = await completeReset(token, password, { ...services, requestId: c.get('requestId') });
  if (!outcome.ok && outcome.reason === 'password') return sendForm(c, token, form.get(CSRF_FIELD)!, TOO_SHORT);
  if (!outcome.ok) throw new InvalidRequest(LINK_GONE, { allowRedirect: false });
  deleteCookie(c, cookieName(c), { path: '/', secure: true });
  logEvent('password_reset_completed', { request_id: c.get('requestId') });
  return sendPage(c, (page) => <PasswordResetDonePage page={page} />);
});
