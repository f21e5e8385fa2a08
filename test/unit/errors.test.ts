import { describe, expect, it } from 'vitest';
import {
  AccessDenied, ConsentRequired, InsufficientScope, InteractionRequired, InvalidClient, InvalidClientMetadata, InvalidGrant, InvalidRedirectUri,
  InvalidRequest, InvalidRequestObject, InvalidRequestUri, InvalidScope, InvalidToken, LoginRequired, MethodNotAllowed, NotFound, OAuthError,
  PayloadTooLarge, RequestNotSupported, ServerError, TemporarilyUnavailable, TooManyRequests, UnauthorizedClient, UnsupportedGrantType,
  UnsupportedResponseType, toErrorDescription, type OAuthErrorCode,
} from '../../src/oauth/errors';

const ALLOWED = /^[\x20\x21\x23-\x5B\x5D-\x7E]*$/;

describe('error_description character set (RFC 6749 §5.2)', () => {
  it('folds section signs, quotes, backslashes and other non-ASCII into the allowed set', () => {
    const out = toErrorDescription('parameter "scope" see §3.3 \\ naïve — ok');
    expect(out).toBe("parameter 'scope' see section 3.3 / na?ve - ok");
    expect(out).toMatch(ALLOWED);
  });

  it('applies to every OAuthError, so no endpoint can emit a non-conforming description', () => {
    const error = new InvalidRequest('redirect_uri "x" (RFC 6749 §3.1.2)');
    expect(error.toJSON().error_description).toMatch(ALLOWED);
    expect(error.toJSON().error_description).toContain('section 3.1.2');
  });
});

describe('error classes: one per RFC code, named after it (STYLE.md "Errors")', () => {
  const classes: [string, new (description: string) => OAuthError, OAuthErrorCode, number][] = [
    ['InvalidRequest', InvalidRequest, 'invalid_request', 400],
    ['InvalidClient', InvalidClient, 'invalid_client', 401],
    ['InvalidGrant', InvalidGrant, 'invalid_grant', 400],
    ['UnauthorizedClient', UnauthorizedClient, 'unauthorized_client', 400],
    ['UnsupportedGrantType', UnsupportedGrantType, 'unsupported_grant_type', 400],
    ['UnsupportedResponseType', UnsupportedResponseType, 'unsupported_response_type', 400],
    ['InvalidScope', InvalidScope, 'invalid_scope', 400],
    ['AccessDenied', AccessDenied, 'access_denied', 400],
    ['ServerError', ServerError, 'server_error', 500],
    ['TemporarilyUnavailable', TemporarilyUnavailable, 'temporarily_unavailable', 503],
    ['InvalidRequestUri', InvalidRequestUri, 'invalid_request_uri', 400],
    ['InvalidRequestObject', InvalidRequestObject, 'invalid_request_object', 400],
    ['RequestNotSupported', RequestNotSupported, 'request_not_supported', 400],
    ['LoginRequired', LoginRequired, 'login_required', 400],
    ['ConsentRequired', ConsentRequired, 'consent_required', 400],
    ['InteractionRequired', InteractionRequired, 'interaction_required', 400],
    ['InvalidToken', InvalidToken, 'invalid_token', 401],
    ['InsufficientScope', InsufficientScope, 'insufficient_scope', 403],
    ['InvalidClientMetadata', InvalidClientMetadata, 'invalid_client_metadata', 400],
    ['InvalidRedirectUri', InvalidRedirectUri, 'invalid_redirect_uri', 400],
    ['NotFound', NotFound, 'not_found', 404],
    ['MethodNotAllowed', MethodNotAllowed, 'method_not_allowed', 405],
    ['PayloadTooLarge', PayloadTooLarge, 'invalid_request', 413],
    ['TooManyRequests', TooManyRequests, 'temporarily_unavailable', 429],
  ];

  it.each(classes)('%s carries its own name, its code and the status the RFC gives', (name, ErrorClass, code, status) => {
    const error = new ErrorClass('x');
    expect(error.name).toBe(name);
    expect(ErrorClass.name).toBe(name);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error.code).toBe(code);
    expect(error.status).toBe(status);
  });

  it('new InvalidGrant(...).name is "InvalidGrant", not the base class name', () => {
    expect(new InvalidGrant('x').name).toBe('InvalidGrant');
  });

  it('keeps 413 and 429 apart from the codes they answer with: each has a class of its own', () => {
    expect(new PayloadTooLarge('x')).not.toBeInstanceOf(InvalidRequest);
    expect(new InvalidRequest('x')).not.toBeInstanceOf(PayloadTooLarge);
    expect(new TooManyRequests('x')).not.toBeInstanceOf(TemporarilyUnavailable);
    expect(new TemporarilyUnavailable('x')).not.toBeInstanceOf(TooManyRequests);
  });
});

describe('whether an error may be redirected is data on the error (RFC 6749 §4.1.2.1)', () => {
  it('lets authorization errors be redirected by default, whatever their status', () => {
    expect(new InvalidScope('x').allowRedirect).toBe(true);
    expect(new AccessDenied('x').allowRedirect).toBe(true);
    expect(new TemporarilyUnavailable('x').allowRedirect).toBe(true);
    expect(new InvalidRequest('x', { status: 403 }).allowRedirect).toBe(true);
  });

  it('never redirects invalid_client or invalid_redirect_uri', () => {
    expect(new InvalidClient('x').allowRedirect).toBe(false);
    expect(new InvalidRedirectUri('x').allowRedirect).toBe(false);
  });

  it('lets one error opt out without changing its code or status', () => {
    const error = new InvalidRequest('forged form', { status: 403, allowRedirect: false });
    expect(error.allowRedirect).toBe(false);
    expect(error.status).toBe(403);
    expect(error.code).toBe('invalid_request');
  });
});
