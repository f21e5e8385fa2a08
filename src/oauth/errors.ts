/**
 * The one error type of the protocol layer. Each RFC error code has a subclass
 * so callers can `instanceof` and the error handler serializes them in one place.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'access_denied'
  | 'server_error'
  | 'temporarily_unavailable'
  | 'invalid_request_uri'
  | 'invalid_request_object'
  | 'request_not_supported'
  | 'request_uri_not_supported'
  | 'login_required'
  | 'consent_required'
  | 'interaction_required'
  | 'account_selection_required'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_client_metadata'
  | 'invalid_redirect_uri'
  | 'not_found'
  | 'method_not_allowed';

export interface OAuthErrorOptions {
  status?: number;
  headers?: Record<string, string>;
  /** Extra top-level JSON members, e.g. Connect2id-style `client_auth_id`. */
  extra?: Record<string, string>;
}

/**
 * RFC 6749 §5.2: error_description is limited to %x20-21 / %x23-5B / %x5D-7E.
 * Descriptions are written for people, so they are folded into that set here,
 * once: `§` becomes "section", quotes become apostrophes, anything else non-ASCII "?".
 */
export function toErrorDescription(text: string): string {
  return text
    .replace(/§\s?/g, 'section ')
    .replace(/["\u201C\u201D]/g, "'")
    .replace(/\\/g, '/')
    .replace(/[\u2013\u2014]/g, '-')
    .replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '?');
}

export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly extra: Record<string, string>;

  constructor(code: OAuthErrorCode, description: string, status = 400, options: OAuthErrorOptions = {}) {
    super(toErrorDescription(description));
    this.name = 'OAuthError';
    this.code = code;
    this.status = options.status ?? status;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
  }

  toJSON(): Record<string, string> {
    return { error: this.code, error_description: this.message, ...this.extra };
  }
}

type Ctor = new (description: string, options?: OAuthErrorOptions) => OAuthError;
function define(code: OAuthErrorCode, status: number): Ctor {
  return class extends OAuthError {
    constructor(description: string, options: OAuthErrorOptions = {}) {
      super(code, description, status, options);
    }
  };
}

/** RFC 6749 §5.2 / §4.1.2.1 */
export const InvalidRequest = define('invalid_request', 400);
export const InvalidClient = define('invalid_client', 401);
export const InvalidGrant = define('invalid_grant', 400);
export const UnauthorizedClient = define('unauthorized_client', 400);
export const UnsupportedGrantType = define('unsupported_grant_type', 400);
export const UnsupportedResponseType = define('unsupported_response_type', 400);
export const InvalidScope = define('invalid_scope', 400);
export const AccessDenied = define('access_denied', 400);
export const ServerError = define('server_error', 500);
export const TemporarilyUnavailable = define('temporarily_unavailable', 503);
/** RFC 9101 §6.2 / RFC 9126 §4 */
export const InvalidRequestUri = define('invalid_request_uri', 400);
export const InvalidRequestObject = define('invalid_request_object', 400);
export const RequestNotSupported = define('request_not_supported', 400);
/** OpenID Connect Core §3.1.2.6 */
export const LoginRequired = define('login_required', 400);
export const ConsentRequired = define('consent_required', 400);
export const InteractionRequired = define('interaction_required', 400);
/** RFC 6750 §3.1 */
export const InvalidToken = define('invalid_token', 401);
export const InsufficientScope = define('insufficient_scope', 403);
/** RFC 7591 §3.2.2 */
export const InvalidClientMetadata = define('invalid_client_metadata', 400);
export const InvalidRedirectUri = define('invalid_redirect_uri', 400);
/** HTTP-level refusals, serialized in the same shape. */
export const NotFound = define('not_found', 404);
export const MethodNotAllowed = define('method_not_allowed', 405);
export const PayloadTooLarge = define('invalid_request', 413);
/** Rate limits: 429 with Retry-After; storage outages: 503 with Retry-After. */
export const TooManyRequests = define('temporarily_unavailable', 429);
