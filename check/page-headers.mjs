// Security headers of the browser-facing pages: no framing (frame-ancestors
// 'none' / X-Frame-Options), no sniffing, no referrer, no caching (DESIGN.md
// "Login and consent pages"; RFC 9700 §4.16 clickjacking).

/** The header lines for one HTML response, `where` naming the page. */
export function pageHeaderProblems(headers) {
  const problems = [];
  const csp = headers.get('content-security-policy') ?? '';
  const xfo = headers.get('x-frame-options') ?? '';
  if (!/frame-ancestors\s+'none'/i.test(csp) && !/^deny$/i.test(xfo.trim())) problems.push(`framing allowed (CSP "${csp || 'none'}", X-Frame-Options "${xfo || 'none'}")`);
  if (!csp) problems.push('no Content-Security-Policy');
  if (!/nosniff/i.test(headers.get('x-content-type-options') ?? '')) problems.push('no X-Content-Type-Options: nosniff');
  const referrer = headers.get('referrer-policy') ?? '';
  if (!/^(no-referrer|same-origin|strict-origin|strict-origin-when-cross-origin)$/i.test(referrer.split(',').pop().trim())) problems.push(`Referrer-Policy "${referrer || 'none'}" leaks the URL's query (codes, request_uri) to other sites`);
  if (!/no-store/i.test(headers.get('cache-control') ?? '')) problems.push(`Cache-Control "${headers.get('cache-control') ?? ''}" lacks no-store`);
  return problems;
}

/** Problems with the cookies a page set: each must be HttpOnly (unless meant for script), Secure and SameSite. */
export function cookieProblems(setCookies, { https }) {
  const problems = [];
  for (const line of setCookies) {
    const [pair, ...attrs] = line.split(';').map((s) => s.trim());
    const name = pair.split('=')[0];
    const has = (a) => attrs.some((x) => x.toLowerCase().startsWith(a));
    if (/max-age=0/i.test(line)) continue;
    if (!has('samesite')) problems.push(`${name}: no SameSite`);
    if (https && !has('secure')) problems.push(`${name}: not Secure`);
    if (/session|csrf|login|interaction/i.test(name) && !has('httponly')) problems.push(`${name}: not HttpOnly`);
  }
  return problems;
}
