// HTTP for the self-check: every request with a timeout, redirects never
// followed (a redirect is something to check, not to chase), bodies read once.

/** Milliseconds a single request of the check may take. */
export const TIMEOUT_MS = 15_000;

/**
 * One request; resolves to `{ status, headers, text, json, error }` and never
 * throws: a network or TLS failure is `status: 0` with `error` set, so a check
 * can report it as a line instead of aborting the run.
 */
export async function request(url, { method = 'GET', headers = {}, form, json, body } = {}) {
  const init = { method, headers: { ...headers }, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) };
  if (form) {
    init.headers['content-type'] = 'application/x-www-form-urlencoded';
    init.body = new URLSearchParams(form).toString();
  } else if (json !== undefined) {
    init.headers['content-type'] = 'application/json';
    init.body = JSON.stringify(json);
  } else if (body !== undefined) {
    init.body = body;
  }
  try {
    const res = await fetch(url, init);
    const text = await res.text();
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, headers: res.headers, text, json: parsed };
  } catch (error) {
    const cause = error.cause?.code ?? error.cause?.message ?? error.name;
    return { status: 0, headers: new Headers(), text: '', error: `${error.message}${cause ? ` (${cause})` : ''}` };
  }
}

/** A cookie jar for one user agent: keeps what Set-Cookie gives, drops what it expires. */
export class CookieJar {
  cookies = new Map();
  /** The raw Set-Cookie lines seen, for the cookie-attribute check. */
  seen = [];

  take(headers) {
    for (const line of headers.getSetCookie?.() ?? []) {
      this.seen.push(line);
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const expired = attrs.some((a) => /^\s*max-age\s*=\s*0\s*$/i.test(a));
      if (expired || pair.slice(eq + 1).trim() === '') this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }

  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/** The `Cache-Control` directives of a response as a map (`max-age` → '300', `no-store` → true). */
export function cacheControl(headers) {
  const out = new Map();
  for (const part of (headers.get('cache-control') ?? '').split(',')) {
    const [k, v] = part.trim().split('=');
    if (k) out.set(k.toLowerCase(), v === undefined ? true : v.replace(/"/g, ''));
  }
  return out;
}
