import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { ConfigError } from '../config';
import { sendAuthorizationResponse, sendErrorPage } from '../http/browser-responses';
import { logError, logEvent } from '../log';
import { errorParams } from '../oauth/authorization-response';
import { OAuthError } from '../oauth/errors';

/** Anything that is not an OAuthError: logged with the request id, answered as `server_error` without internals, never redirected. */
function asOAuthError(error: Error, requestId: string): OAuthError {
  if (error instanceof OAuthError) return error;
  if (error instanceof ConfigError) {
    logError('config_error', { request_id: requestId, setting: error.setting, message: error.message });
    return new OAuthError('server_error', error.message, 500, { allowRedirect: false });
  }
  logError('unexpected_error', { request_id: requestId, name: error.name, message: error.message, stack: error.stack?.split('\n').slice(0, 4) });
  return new OAuthError('server_error', `The server met an unexpected condition (request id ${requestId})`, 500, { allowRedirect: false });
}

/** An error's cause as one bounded log field: a storage call's binding, operation and message, or an error's name and message. */
function describeCause(cause: unknown): string | undefined {
  if (cause === undefined) return undefined;
  if (cause instanceof Error) return `${cause.name}: ${cause.message}`.slice(0, 500);
  if (typeof cause === 'object' && cause !== null) return Object.entries(cause).map(([k, v]) => `${k}=${String(v)}`).join(' ').slice(0, 500);
  return String(cause).slice(0, 500);
}

/**
 * Every 5xx answer is logged with the request id it is sent under (the
 * `X-Request-Id` header) and its cause, so each one can be traced: an
 * unexpected error already was, by `asOAuthError`; a thrown 5xx OAuthError
 * (a storage outage or timeout, a Durable Object bug or overload, a client's
 * jwks_uri unreachable for JARM) is logged here.
 */
function logServerError(thrown: Error, oauth: OAuthError, requestId: string): void {
  if (oauth.status < 500 || thrown !== oauth) return;
  logError('server_error_response', {
    request_id: requestId, status: oauth.status, error: oauth.code, name: oauth.name, description: oauth.message, cause: describeCause(oauth.cause),
  });
}

/**
 * The one place errors become responses (`app.onError`). An error that may be
 * redirected goes to the request's validated response target as an error
 * response with `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207 §2), in the
 * client's response mode (plain, form_post or JARM §2.4). Otherwise a
 * browser-facing route shows an HTML page, and every other route answers
 * RFC-shaped JSON with the error's status and headers (RFC 6749 §5.2).
 */
export async function handleError(error: Error, c: Context<AppEnv>): Promise<Response> {
  const requestId = c.get('requestId') ?? 'unknown';
  const oauth = asOAuthError(error, requestId);
  logServerError(error, oauth, requestId);
  const target = c.get('responseTarget');
  if (target && oauth.allowRedirect) {
    logEvent('authorization_error', { request_id: requestId, client_id: target.client.client_id, error: oauth.code });
    // Building the response can fail too (a JARM key unavailable): that failure is shown, not sent.
    c.set('responseTarget', undefined);
    try {
      return await sendAuthorizationResponse(c, target, errorParams(oauth));
    } catch (failure) {
      return handleError(failure instanceof Error ? failure : new Error(String(failure)), c);
    }
  }
  if (c.get('browserFacing')) return sendErrorPage(c, oauth);
  return jsonError(oauth);
}

export function jsonError(error: OAuthError): Response {
  const headers = new Headers({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...error.headers });
  return new Response(JSON.stringify(error.toJSON()), { status: error.status, headers });
}
