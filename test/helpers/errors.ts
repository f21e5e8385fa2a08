import { expect } from 'vitest';

/**
 * One vocabulary for reading error answers in tests: JSON errors of the back
 * channel (RFC 6749 §5.2, RFC 6750 §3.1) and HTML error pages of the front
 * channel (never a redirect to an unvalidated target, RFC 9700 §4.1.3).
 */

/** The JSON body of an error response, with its status, for exact assertions (`toMatchObject({ status, error })`). */
export async function errorOf(res: Response): Promise<{ status: number; error: string; error_description: string; [k: string]: unknown }> {
  const body = (await res.json()) as { error: string; error_description: string };
  return { status: res.status, ...body };
}

/** Asserts an RFC 6749 §5.2 JSON error with `status` and returns its `error` code. */
export async function expectJsonError(res: Response, status: number): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await errorOf(res)).error;
}

/** The error code an HTML error page shows (`Error: <code>…</code>`). */
export function errorCodeOfPage(html: string): string | undefined {
  return /Error: <code>([a-z_]+)<\/code>/.exec(html)?.[1];
}

/** The user-facing message of an HTML page's alert. */
export function alertOfPage(html: string): string | undefined {
  return /<p class="alert"[^>]*role="alert">([^<]*)<\/p>/.exec(html)?.[1];
}

/**
 * Asserts an HTML error page of the front channel that sends the browser
 * nowhere (no Location, no auto-submitting form, no framing) and returns its HTML.
 */
export async function errorPageOf(res: Response, status = 400): Promise<string> {
  expect(res.status).toBe(status);
  expect(res.headers.get('location')).toBeNull();
  expect(res.headers.get('content-type')).toMatch(/^text\/html/);
  expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  const html = await res.text();
  // No auto-submitting form to a client either (form_post would be a redirect in disguise).
  expect(html).not.toContain('document.forms[0].submit()');
  return html;
}

/** Asserts an HTML error page (as `errorPageOf`) and returns its error code. */
export async function expectErrorPage(res: Response, status = 400): Promise<string | undefined> {
  return errorCodeOfPage(await errorPageOf(res, status));
}
