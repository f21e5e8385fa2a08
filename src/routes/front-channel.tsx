import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { randomToken } from '../crypto/random';
import { logEvent } from '../log';
import { cspSourceOf, pageCsp } from '../middleware/security-headers';
import { targetOf, type ResolvedRequest } from '../oauth/authorize';
import { completeAuthorization } from '../oauth/authorize-complete';
import { assertResponseDeliverable } from '../oauth/jarm';
import { buildAuthorizationResponse, errorParams, type ResponseTarget } from '../oauth/authorization-response';
import { OAuthError } from '../oauth/errors';
import type { Client } from '../oauth/types';
import type { ActiveSession } from '../storage/ports';
import { ErrorPage } from '../ui/error-page';
import { FormPostPage } from '../ui/form-post-page';
import { renderDocument } from '../ui/layout';

/**
 * Shared HTTP plumbing of the front channel (/authorize and the interaction
 * pages): HTML pages under a nonce'd CSP, the authorization response in each
 * response mode, and errors as redirects only to a validated target.
 */

/** Answers `element` as an HTML page whose CSP admits only its own nonce'd style (and script). */
export function sendPage(c: Context<AppEnv>, render: (nonce: string) => unknown, options: { status?: number; formAction?: string[]; script?: boolean; headers?: Record<string, string> } = {}): Response {
  const nonce = randomToken(16);
  const csp = pageCsp({ nonce, formAction: options.formAction, script: options.script });
  return c.html(renderDocument(render(nonce)), (options.status ?? 200) as 200, { 'Content-Security-Policy': csp, ...options.headers });
}

const TITLES: Record<number, string> = { 403: 'This form cannot be accepted', 429: 'Too many attempts', 500: 'Something went wrong' };

/**
 * The `errorPage` of the front channel: an HTML page, never a redirect (RFC
 * 6749 §4.1.2.1, RFC 9126 §4). Used for everything raised before the client
 * and its redirect_uri are validated, and for CSRF failures.
 */
export function htmlErrorPage(error: OAuthError, c: Context<AppEnv>): Response {
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

/**
 * Runs `step`; an OAuthError raised once a target is known goes to the client
 * as an error response with `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207 §2).
 * Before that, and for anything unexpected, the error handler shows a page.
 */
export async function redirectingErrors(c: Context<AppEnv>, target: () => ResponseTarget | undefined, step: () => Promise<Response>): Promise<Response> {
  try {
    return await step();
  } catch (error) {
    const to = target();
    if (!(error instanceof OAuthError) || !to || error.status === 403) throw error;
    logEvent('authorization_error', { request_id: c.get('requestId'), client_id: to.client.client_id, error: error.code });
    return sendAuthorizationResponse(c, to, errorParams(error));
  }
}

/** Issues the code for an approved request and sends it to the client (RFC 6749 §4.1.2). */
export async function finishAuthorization(c: Context<AppEnv>, resolved: Pick<ResolvedRequest, 'client' | 'request' | 'handle' | 'par'>, session: ActiveSession): Promise<Response> {
  await assertResponseDeliverable(resolved.client, resolved.request.response_mode, c.get('services'));
  const { code } = await completeAuthorization(resolved, session, c.get('services'));
  logEvent('authorization_code_issued', {
    request_id: c.get('requestId'), client_id: resolved.client.client_id, sub: session.sub, par: resolved.par,
    response_mode: resolved.request.response_mode ?? 'query',
  });
  return sendAuthorizationResponse(c, targetOf(resolved), { code });
}

/** The name shown to users: the registered client_name, else the client_id. */
export function displayName(client: Client): string {
  return client.client_name ?? client.client_id;
}

/** form-action sources for a page whose POST may answer with a redirect to the client. */
export function clientFormAction(redirect_uri: string): string[] {
  return [cspSourceOf(redirect_uri)];
}
