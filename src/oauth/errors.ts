/**
 * The one error type of the protocol layer. Each RFC error code has a subclass
 * so callers can `instanceof` and the error handler serializes them in one place.
 * Whether an error may travel to the client's redirect_uri is data on the error
 * (`allowRedirect`, node-oidc-provider's `allow_redirect`), never implied by a status.
 */
export type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'unsupported_response_type'
  | 'invalid_scope'
  | 'invalid_target'
  | 'invalid_authorization_details'
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
  | 'unmet_authentication_requirements'
  | 'invalid_token'
  | 'insufficient_scope'
  | 'invalid_client_metadata'
  | 'invalid_redirect_uri'
  | 'not_found'
  | 'method_not_allowed'
  | 'invalid_dpop_proof'
  | 'use_dpop_nonce';

export interface OAuthErrorOptions {
  status?: number;
  headers?: Record<string, string>;
  /** Extra top-level JSON members, e.g. Connect2id-style `client_auth_id`. */
  extra?: Record<string, string>;
  /**
   * Whether the error may be sent to the client as an authorization error
   * response once the response target is validated (RFC 6749 §4.1.2.1).
   * False for failures the client must not learn of or cannot act on (a forged
   * form, a browser that does not match): those are always an HTML page.
   */
  allowRedirect?: boolean;
  /**
   * At a protected resource: the authentication scheme whose `WWW-Authenticate`
   * challenge carries this error (RFC 6750 §3, RFC 9449 §7.1), when it is not the
   * scheme the token came with (a DPoP-bound token presented as Bearer).
   */
  challenge?: string;
  /** What caused it (e.g. which storage call failed), for the log line of a 5xx; never serialized. */
  cause?: unknown;
}

/** Longest error_description: request-derived text can never blow up a response or a Location header. */
export const MAX_ERROR_DESCRIPTION = 300;

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
    .replace(/[^\x20\x21\x23-\x5B\x5D-\x7E]/g, '?')
    .slice(0, MAX_ERROR_DESCRIPTION);
}

export class OAuthError extends Error {
  readonly code: OAuthErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly extra: Record<string, string>;
  readonly allowRedirect: boolean;
  readonly challenge?: string;

  constructor(code: OAuthErrorCode, description: string, status = 400, options: OAuthErrorOptions = {}) {
    super(toErrorDescription(description), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'OAuthError';
    this.code = code;
    this.status = options.status ?? status;
    this.headers = options.headers ?? {};
    this.extra = options.extra ?? {};
    this.allowRedirect = options.allowRedirect ?? true;
    if (options.challenge !== undefined) this.challenge = options.challenge;
  }

  toJSON(): Record<string, string> {
    return { error: this.code, error_description: this.message, ...this.extra };
  }
}

type Ctor = new (description: string, options?: OAuthErrorOptions) => OAuthError;
/** A subclass named `name` (so logs and `error.name` say which), for one RFC code and status. */
function define(name: string, code: OAuthErrorCode, status: number, defaults: OAuthErrorOptions = {}): Ctor {
  const ErrorClass = class extends OAuthError {
    constructor(description: string, options: OAuthErrorOptions = {}) {
      super(code, description, status, { ...defaults, ...options });
      this.name = name;
    }
  };
  // Spelled out rather than taken from the class: bundlers rename classes, and the name is an interface.
  Object.defineProperty(ErrorClass, 'name', { value: name });
  return ErrorClass;
}

/** RFC 6749 §5.2 / §4.1.2.1 */
export const InvalidRequest = define('InvalidRequest', 'invalid_request', 400);
/** Never redirected: a client that failed to authenticate is not sent anything (RFC 6749 §4.1.2.1). */
export const InvalidClient = define('InvalidClient', 'invalid_client', 401, { allowRedirect: false });
export const InvalidGrant = define('InvalidGrant', 'invalid_grant', 400);
export const UnauthorizedClient = define('UnauthorizedClient', 'unauthorized_client', 400);
export const UnsupportedGrantType = define('UnsupportedGrantType', 'unsupported_grant_type', 400);
export const UnsupportedResponseType = define('UnsupportedResponseType', 'unsupported_response_type', 400);
export const InvalidScope = define('InvalidScope', 'invalid_scope', 400);
/** RFC 8707 §2: a `resource` that is malformed, unknown, or not permitted to the client. */
export const InvalidTarget = define('InvalidTarget', 'invalid_target', 400);
/** RFC 9396 §5: `authorization_details` malformed, of an unknown type, invalid against its type's schema, or not permitted. */
export const InvalidAuthorizationDetails = define('InvalidAuthorizationDetails', 'invalid_authorization_details', 400);
export const AccessDenied = define('AccessDenied', 'access_denied', 400);
export const ServerError = define('ServerError', 'server_error', 500);
export const TemporarilyUnavailable = define('TemporarilyUnavailable', 'temporarily_unavailable', 503);
/** RFC 9101 §6.2 / RFC 9126 §4 */
export const InvalidRequestUri = define('InvalidRequestUri', 'invalid_request_uri', 400);
export const InvalidRequestObject = define('InvalidRequestObject', 'invalid_request_object', 400);
export const RequestNotSupported = define('RequestNotSupported', 'request_not_supported', 400);
/** OpenID Connect Core §3.1.2.6 */
export const LoginRequired = define('LoginRequired', 'login_required', 400);
export const ConsentRequired = define('ConsentRequired', 'consent_required', 400);
export const InteractionRequired = define('InteractionRequired', 'interaction_required', 400);
/** OpenID Connect Unmet Authentication Requirements 1.0 §1: an essential acr (OpenID Connect Core §5.5.1.1) that cannot be met. */
export const UnmetAuthenticationRequirements = define('UnmetAuthenticationRequirements', 'unmet_authentication_requirements', 400);
/** RFC 6750 §3.1 */
export const InvalidToken = define('InvalidToken', 'invalid_token', 401);
export const InsufficientScope = define('InsufficientScope', 'insufficient_scope', 403);
/** RFC 9449 §5, §7.1: a missing or invalid DPoP proof (400 at the token and PAR endpoints, 401 at a resource). */
export const InvalidDpopProof = define('InvalidDpopProof', 'invalid_dpop_proof', 400);
/** RFC 9449 §8, §9: the proof lacks the server's current nonce, which the `DPoP-Nonce` header carries. */
export const UseDpopNonce = define('UseDpopNonce', 'use_dpop_nonce', 400);
/** RFC 7591 §3.2.2 */
export const InvalidClientMetadata = define('InvalidClientMetadata', 'invalid_client_metadata', 400);
export const InvalidRedirectUri = define('InvalidRedirectUri', 'invalid_redirect_uri', 400, { allowRedirect: false });
/** HTTP-level refusals, serialized in the same shape. */
export const NotFound = define('NotFound', 'not_found', 404);
export const MethodNotAllowed = define('MethodNotAllowed', 'method_not_allowed', 405);
/** A body over the size limit (RFC 9110 §15.5.14), answered as `invalid_request`. */
export const PayloadTooLarge = define('PayloadTooLarge', 'invalid_request', 413);
/** A rate limit (RFC 6585 §4): 429 with Retry-After, answered as `temporarily_unavailable`. Storage outages are 503. */
export const TooManyRequests = define('TooManyRequests', 'temporarily_unavailable', 429);
