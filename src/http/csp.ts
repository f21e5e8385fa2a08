/**
 * The Content-Security-Policy of a page: nothing loads or runs except the
 * page's own nonce'd style (and script, for form_post) and images from the
 * origins the page names (logos); it cannot be framed
 * (clickjacking, RFC 6749 §10.13) and its forms post only to this origin and,
 * where a page hands back to a client, that client's redirect origin.
 */
export function pageCsp(options: { nonce?: string; formAction?: string[]; script?: boolean; frameSrc?: string[]; imgSrc?: string[] } = {}): string {
  const nonce = options.nonce ? `'nonce-${options.nonce}'` : "'none'";
  return [
    "default-src 'none'",
    `style-src ${nonce}`,
    `script-src ${options.script ? nonce : "'none'"}`,
    // The operator's logo and, on the consent page, the client's (https origins only; http/page-context.ts).
    `img-src 'self' data:${[...new Set(options.imgSrc ?? [])].map((s) => ` ${s}`).join('')}`,
    // Front-Channel Logout §3: the logout page frames exactly the RPs' logout origins, nothing else.
    ...(options.frameSrc?.length ? [`frame-src ${options.frameSrc.join(' ')}`] : []),
    `form-action 'self'${(options.formAction ?? []).map((s) => ` ${s}`).join('')}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join('; ');
}

/**
 * A CSP source matching a redirect URI's origin: `https://rp.example`, or the
 * scheme alone for private-use URI schemes (RFC 8252 §7.1). Chromium applies
 * `form-action` to redirects after a form submission, so the pages that
 * answer with the authorization response must allow its target.
 */
export function cspSourceOf(uri: string): string {
  const url = new URL(uri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : url.protocol;
}
