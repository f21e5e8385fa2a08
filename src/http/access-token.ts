import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { DPOP_SIGNING_ALGS } from '../oauth/capabilities';
import { InvalidRequest } from '../oauth/errors';
import type { PresentedAccessToken } from '../oauth/request-input';
import type { TokenType } from '../oauth/token-type';
import { readForm, readQuery } from './form';

/** `<scheme> <token68>`, the token in RFC 6750 §2.1 `b64token` syntax (RFC 9449 §7.1 uses the same for DPoP). */
const CREDENTIALS = /^([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*) +([A-Za-z0-9\-._~+/]+=*)$/;

/** RFC 6750 §3: a quoted auth-param value, limited to printable ASCII without `"` and `\`. */
export function quoted(value: string): string {
  return `"${value.replace(/[^\x20-\x21\x23-\x5B\x5D-\x7E]/g, '')}"`;
}

/** Auth-params a scheme's challenge adds: DPoP names the proof algorithms it accepts (RFC 9449 §7.1 `algs`). */
export function challengeParams(scheme: string): string {
  return scheme === 'DPoP' ? `, algs=${quoted(DPOP_SIGNING_ALGS.join(' '))}` : '';
}

/** The scheme among `schemes` that `header` names, compared case-insensitively (RFC 9110 §11.1). */
function schemeOf(header: string, schemes: readonly TokenType[]): TokenType | undefined {
  const name = header.split(/\s/, 1)[0]!.toLowerCase();
  return schemes.find((s) => s.toLowerCase() === name);
}

/**
 * The answer to a request that carried no access token: 401 with a bare
 * challenge per accepted scheme and no error code (RFC 6750 §3.1: "SHOULD NOT
 * include an error code or other error information").
 */
export function missingTokenResponse(c: Context<AppEnv>, schemes: readonly TokenType[]): Response {
  const realm = quoted(c.get('services').config.issuer);
  const headers = new Headers({ 'Cache-Control': 'no-store' });
  for (const scheme of schemes) headers.append('WWW-Authenticate', `${scheme} realm=${realm}${challengeParams(scheme)}`);
  return c.body(null, 401, Object.fromEntries(headers));
}

/**
 * Reads the access token from the Authorization header under one of the
 * accepted `schemes` (RFC 6750 §2.1) or, for a form-encoded POST and the
 * `Bearer` scheme, the `access_token` body parameter (§2.2); the form read is
 * kept on the context. Both at once is `invalid_request` (§2); the URI query
 * (§2.3) is refused. Returns null when no token was sent.
 */
export async function readAccessToken(c: Context<AppEnv>, schemes: readonly TokenType[]): Promise<PresentedAccessToken | null> {
  if (readQuery(c).has('access_token')) throw new InvalidRequest('access_token in the URI query is not accepted (RFC 6750 section 2.3)');
  const header = c.req.header('authorization')?.trim();
  let fromHeader: PresentedAccessToken | undefined;
  const scheme = header === undefined ? undefined : schemeOf(header, schemes);
  if (scheme !== undefined) {
    const match = CREDENTIALS.exec(header!);
    if (!match) throw new InvalidRequest(`malformed ${scheme} authorization header`);
    fromHeader = { token_type: scheme, value: match[2]! };
  }
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  let fromBody: PresentedAccessToken | undefined;
  if (c.req.method === 'POST' && type === 'application/x-www-form-urlencoded' && schemes.includes('Bearer')) {
    const form = await readForm(c, c.get('services').config.maxBodyBytes);
    c.set('form', form);
    const value = form.get('access_token');
    if (value !== undefined) fromBody = { token_type: 'Bearer', value };
  }
  if (fromHeader !== undefined && fromBody !== undefined) throw new InvalidRequest('the access token was sent in more than one way (RFC 6750 section 2)');
  return fromHeader ?? fromBody ?? null;
}
