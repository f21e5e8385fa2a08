import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { randomToken } from '../crypto/random';
import type { UiLocale } from '../oauth/capabilities';
import { buildAuthorizationResponse, type ResponseTarget } from '../oauth/authorization-response';
import type { OAuthError } from '../oauth/errors';
import type { PageContext } from '../ui/brand';
import { ErrorPage } from '../ui/error-page';
import { FormPostPage } from '../ui/form-post-page';
import { renderDocument } from '../ui/layout';
import { cspSourceOf, pageCsp } from './csp';
import { httpsOnly, imageOrigins, pageContextOf } from './page-context';

/**
 * What a browser is answered with: HTML pages under a nonce'd CSP, and the
 * authorization response (success or error) in the client's response mode.
 */

export interface PageOptions {
  status?: number;
  formAction?: string[];
  script?: boolean;
  frameSrc?: string[];
  /** Origins of images the page shows besides the operator's logo (the client's logo on the consent page). */
  imgSrc?: string[];
  headers?: Record<string, string>;
  /** Pins the page's language instead of negotiating it. */
  locale?: UiLocale;
}

/**
 * Answers `render(page)` as an HTML page in the negotiated language, with the
 * operator's branding, whose CSP admits only its own nonce'd style (and
 * script) and images from the logos' origins.
 */
export function sendPage(c: Context<AppEnv>, render: (page: PageContext) => unknown, options: PageOptions = {}): Response {
  const page = pageContextOf(c, randomToken(16), options.locale);
  const imgSrc = [...imageOrigins(page.brand.logoUrl), ...(options.imgSrc ?? [])];
  const csp = pageCsp({ nonce: page.nonce, formAction: options.formAction, script: options.script, frameSrc: options.frameSrc, imgSrc });
  return c.html(renderDocument(render(page)), (options.status ?? 200) as 200, { 'Content-Security-Policy': csp, ...options.headers });
}

/** Where an error page links back: the application's registered https `client_uri` (RFC 7591 §2), when the client is known. */
function backLinkOf(c: Context<AppEnv>): { name: string; uri: string } | undefined {
  const client = c.get('pageClient') ?? c.get('responseTarget')?.client;
  const uri = httpsOnly(client?.client_uri);
  return client && uri ? { name: client.client_name ?? client.client_id, uri } : undefined;
}

/**
 * An error shown to the user as a page, never sent to the client (RFC 6749
 * §4.1.2.1, RFC 9126 §4): for everything raised before the client and its
 * redirect_uri are validated, and for errors that may not be redirected.
 */
export function sendErrorPage(c: Context<AppEnv>, error: OAuthError): Response {
  const back = backLinkOf(c);
  return sendPage(
    c,
    (page) => <ErrorPage page={page} status={error.status} message={error.message} code={error.code} requestId={c.get('requestId')} back={back} />,
    { status: error.status, headers: error.headers },
  );
}

/** Sends `params` to the client per its response mode (303 after a POST, so the browser follows with GET; RFC 9700 §4.12). */
export async function sendAuthorizationResponse(c: Context<AppEnv>, target: ResponseTarget, params: Record<string, string>): Promise<Response> {
  const response = await buildAuthorizationResponse(target, params, c.get('services'));
  if (response.kind === 'redirect') return c.redirect(response.location, 303);
  return sendPage(c, (page) => <FormPostPage page={page} action={response.action} fields={response.fields} />, {
    script: true,
    formAction: [cspSourceOf(response.action)],
  });
}
