import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { randomToken } from '../crypto/random';
import { buildAuthorizationResponse, type ResponseTarget } from '../oauth/authorization-response';
import type { OAuthError } from '../oauth/errors';
import { ErrorPage } from '../ui/error-page';
import { FormPostPage } from '../ui/form-post-page';
import { renderDocument } from '../ui/layout';
import { cspSourceOf, pageCsp } from './csp';

/**
 * What a browser is answered with: HTML pages under a nonce'd CSP, and the
 * authorization response (success or error) in the client's response mode.
 */

/** Answers `render(nonce)` as an HTML page whose CSP admits only its own nonce'd style (and script). */
export function sendPage(
  c: Context<AppEnv>, render: (nonce: string) => unknown,
  options: { status?: number; formAction?: string[]; script?: boolean; frameSrc?: string[]; headers?: Record<string, string> } = {},
): Response {
  const nonce = randomToken(16);
  const csp = pageCsp({ nonce, formAction: options.formAction, script: options.script, frameSrc: options.frameSrc });
  return c.html(renderDocument(render(nonce)), (options.status ?? 200) as 200, { 'Content-Security-Policy': csp, ...options.headers });
}

const TITLES: Record<number, string> = { 403: 'This form cannot be accepted', 429: 'Too many attempts', 500: 'Something went wrong' };

/**
 * An error shown to the user as a page, never sent to the client (RFC 6749
 * §4.1.2.1, RFC 9126 §4): for everything raised before the client and its
 * redirect_uri are validated, and for errors that may not be redirected.
 */
export function sendErrorPage(c: Context<AppEnv>, error: OAuthError): Response {
  const title = TITLES[error.status] ?? 'This request cannot be completed';
  return sendPage(
    c,
    (nonce) => <ErrorPage nonce={nonce} title={title} message={error.message} code={error.code} requestId={c.get('requestId')} />,
    { status: error.status, headers: error.headers },
  );
}

/** Sends `params` to the client per its response mode (303 after a POST, so the browser follows with GET; RFC 9700 §4.12). */
export async function sendAuthorizationResponse(c: Context<AppEnv>, target: ResponseTarget, params: Record<string, string>): Promise<Response> {
  const response = await buildAuthorizationResponse(target, params, c.get('services'));
  if (response.kind === 'redirect') return c.redirect(response.location, 303);
  return sendPage(c, (nonce) => <FormPostPage nonce={nonce} action={response.action} fields={response.fields} />, {
    script: true,
    formAction: [cspSourceOf(response.action)],
  });
}
