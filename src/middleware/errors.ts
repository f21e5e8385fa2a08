import type { Context } from 'hono';
import { ConfigError } from '../config';
import { OAuthError } from '../oauth/errors';
import { logError } from '../log';
import type { AppEnv } from '../app-env';

/**
 * The one place errors become responses: OAuth errors as RFC-shaped JSON with
 * their status and headers; anything else is logged with the request id and
 * answered as `server_error` without internals. Pages that must not answer
 * JSON (the authorization endpoint) register an `errorPage` renderer.
 */
export function handleError(error: Error, c: Context<AppEnv>): Response {
  const requestId = c.get('requestId') ?? 'unknown';
  const page = c.get('errorPage');
  let oauth: OAuthError;
  if (error instanceof OAuthError) {
    oauth = error;
  } else if (error instanceof ConfigError) {
    logError('config_error', { request_id: requestId, setting: error.setting, message: error.message });
    oauth = new OAuthError('server_error', error.message, 500);
  } else {
    logError('unexpected_error', { request_id: requestId, name: error.name, message: error.message, stack: error.stack?.split('\n').slice(0, 4) });
    oauth = new OAuthError('server_error', `The server met an unexpected condition (request id ${requestId})`, 500);
  }
  if (page) return page(oauth, c);
  return jsonError(oauth);
}

export function jsonError(error: OAuthError): Response {
  const headers = new Headers({ 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...error.headers });
  return new Response(JSON.stringify(error.toJSON()), { status: error.status, headers });
}
