import type { JarmDeps } from './jarm';
import { encodeJarmResponse } from './jarm';
import type { OAuthError } from './errors';
import type { Client, ResponseMode } from './types';

/** Where and how an authorization response goes: a validated redirect_uri, the requested mode and the state to echo. */
export interface ResponseTarget {
  client: Client;
  redirect_uri: string;
  response_mode?: ResponseMode;
  state?: string;
}

/** How the browser is sent back: a redirect, or an auto-submitting form (OAuth 2.0 Form Post Response Mode §2). */
export type AuthorizationResponse =
  | { kind: 'redirect'; location: string }
  | { kind: 'form_post'; action: string; fields: Record<string, string> };

type Concrete = 'query' | 'fragment' | 'form_post' | 'query.jwt' | 'fragment.jwt' | 'form_post.jwt';

/** The mode actually used: `query` by default for `code` (RFC 6749 §4.1.2), `jwt` means `query.jwt` (JARM §2.3.4). */
export function effectiveResponseMode(mode: ResponseMode | undefined): Concrete {
  if (mode === undefined) return 'query';
  return mode === 'jwt' ? 'query.jwt' : mode;
}

/** `redirect_uri` with parameters appended to its query, keeping the query it had byte for byte (RFC 6749 §3.1.2). */
function withQuery(uri: string, params: Record<string, string>): string {
  const encoded = new URLSearchParams(params).toString();
  return uri + (uri.includes('?') ? '&' : '?') + encoded;
}

/**
 * Builds the authorization response carrying `params` to `target` (RFC 6749
 * §4.1.2 / §4.1.2.1, OAuth 2.0 Multiple Response Type Encoding Practices §2,
 * Form Post Response Mode §2, JARM §2.3). `iss` (RFC 9207 §2) is added in the
 * plain modes; in JARM modes it is a claim of the response JWT.
 */
export async function buildAuthorizationResponse(target: ResponseTarget, params: Record<string, string>, deps: JarmDeps): Promise<AuthorizationResponse> {
  const mode = effectiveResponseMode(target.response_mode);
  const withState = target.state === undefined ? { ...params } : { ...params, state: target.state };
  let fields: Record<string, string>;
  if (mode.endsWith('.jwt')) {
    fields = { response: await encodeJarmResponse(withState, target.client, deps) };
  } else {
    fields = { ...withState, iss: deps.config.issuer };
  }
  if (mode === 'form_post' || mode === 'form_post.jwt') return { kind: 'form_post', action: target.redirect_uri, fields };
  if (mode === 'fragment' || mode === 'fragment.jwt') {
    return { kind: 'redirect', location: `${target.redirect_uri}#${new URLSearchParams(fields).toString()}` };
  }
  return { kind: 'redirect', location: withQuery(target.redirect_uri, fields) };
}

/** The error response parameters (RFC 6749 §4.1.2.1); `server_error` never carries internals. */
export function errorParams(error: OAuthError): Record<string, string> {
  return { error: error.code, error_description: error.message };
}
