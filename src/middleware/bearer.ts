import type { Context } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { InvalidRequest, OAuthError } from '../oauth/errors';
import { readForm, readQuery } from './form';

/** RFC 6750 §2.1 `b64token` syntax. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*)$/i;

/** Codes that a protected resource states in its `WWW-Authenticate: Bearer` challenge (RFC 6750 §3.1). */
const CHALLENGED = new Set(['invalid_request', 'invalid_token', 'insufficient_scope']);

function quoted(value: string): string {
  // RFC 6750 §3: error_description is limited to printable ASCII without `"` and `\`.
  return `"${value.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '')}"`;
}

/**
 * Adds the RFC 6750 §3 `WWW-Authenticate: Bearer` challenge to the error
 * responses of a protected resource: `realm`, `error` and `error_description`.
 */
export function bearerChallenge() {
  return createMiddleware<AppEnv>(async function bearerChallenge(c, next) {
    await next();
    const error = c.error;
    if (!(error instanceof OAuthError) || !CHALLENGED.has(error.code)) return;
    const realm = c.get('services').config.issuer;
    c.res.headers.set('WWW-Authenticate', `Bearer realm=${quoted(realm)}, error=${quoted(error.code)}, error_description=${quoted(error.message)}`);
  });
}

/**
 * The answer to a request that carried no bearer token: 401 with a bare
 * challenge and no error code (RFC 6750 §3.1: "SHOULD NOT include an error
 * code or other error information").
 */
export function missingTokenResponse(c: Context<AppEnv>): Response {
  const realm = c.get('services').config.issuer;
  return c.body(null, 401, { 'WWW-Authenticate': `Bearer realm=${quoted(realm)}`, 'Cache-Control': 'no-store' });
}

/**
 * Reads the bearer access token from the Authorization header (RFC 6750 §2.1)
 * or, for a form-encoded POST, the `access_token` body parameter (§2.2).
 * Both at once is `invalid_request` (§2); the URI query (§2.3) is refused.
 * Returns null when no token was sent.
 */
export async function readBearerToken(c: Context<AppEnv>): Promise<string | null> {
  if (readQuery(c).has('access_token')) throw new InvalidRequest('access_token in the URI query is not accepted (RFC 6750 section 2.3)');
  const header = c.req.header('authorization');
  let fromHeader: string | undefined;
  if (header !== undefined) {
    const match = BEARER.exec(header.trim());
    if (match) fromHeader = match[1];
    else if (/^bearer(\s|$)/i.test(header.trim())) throw new InvalidRequest('malformed Bearer authorization header');
  }
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let fromBody: string | undefined;
  if (c.req.method === 'POST' && type === 'application/x-www-form-urlencoded') {
    fromBody = (await readForm(c, c.get('services').config.maxBodyBytes)).get('access_token');
  }
  if (fromHeader !== undefined && fromBody !== undefined) throw new InvalidRequest('the access token was sent in more than one way (RFC 6750 section 2)');
  return fromHeader ?? fromBody ?? null;
}
