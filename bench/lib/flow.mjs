// A scripted browser for the authorization code flow over HTTP: PAR →
// /authorize → login form → consent form → redirect with the code → /token.
// It follows redirects by hand, keeps cookies, and fills any HTML form it
// meets (hidden inputs such as CSRF tokens are sent back as they are).
import { createHash, randomBytes } from 'node:crypto';

export const verifier = 'bench-code-verifier-0123456789-0123456789-0123456789';
export const challenge = createHash('sha256').update(verifier).digest('base64url');

function attrs(tag) {
  const out = {};
  for (const m of tag.matchAll(/([a-zA-Z_:-]+)\s*=\s*("([^"]*)"|'([^']*)'|([^\s>]+))/g)) out[m[1].toLowerCase()] = m[3] ?? m[4] ?? m[5];
  return out;
}
const unescape = (s) => s?.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');

/** The form to submit on an HTML page, with its fields filled for `user`. */
export function fillForm(html, user) {
  const forms = [...html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)];
  const pick = forms.find((f) => /type\s*=\s*["']?password/i.test(f[2])) ?? forms.find((f) => /name\s*=\s*["']?decision/i.test(f[2])) ?? forms[0];
  if (!pick) return null;
  const form = attrs(pick[1]);
  const fields = new URLSearchParams();
  for (const [tag] of pick[2].matchAll(/<input\b[^>]*>/gi)) {
    const a = attrs(tag);
    if (!a.name) continue;
    const type = (a.type ?? 'text').toLowerCase();
    if (type === 'password') fields.set(a.name, user.password);
    else if (['username', 'login', 'email'].includes(a.name)) fields.set(a.name, user.username);
    else if (type === 'checkbox' || type === 'radio') {
      if (/\bchecked\b/i.test(tag)) fields.append(a.name, unescape(a.value ?? 'on'));
    } else if (type !== 'submit' || !fields.has(a.name)) fields.set(a.name, unescape(a.value ?? ''));
  }
  const decision = [...pick[2].matchAll(/<button\b[^>]*>/gi)].map(([t]) => attrs(t)).find((a) => a.name === 'decision' && a.value === 'allow');
  if (decision) fields.set('decision', 'allow');
  return { action: unescape(form.action ?? ''), method: (form.method ?? 'get').toUpperCase(), fields };
}

class Jar {
  cookies = new Map();
  take(response) {
    for (const line of response.headers.getSetCookie?.() ?? []) {
      const [pair, ...rest] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const expired = rest.some((r) => /max-age\s*=\s*0\b/i.test(r) || /expires=Thu, 01 Jan 1970/i.test(r));
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(eq + 1).trim());
    }
  }
  header() {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }
}

/**
 * One user agent with its own cookie jar. `code()` runs PAR → authorize →
 * login/consent and returns the code; `tokens()` also redeems it.
 */
export class FlowAgent {
  jar = new Jar();
  constructor(target) {
    this.t = target; // { meta (discovery), basic: {client_id, client_secret}, redirect_uri, user: { username, password, ip? } }
  }

  async par() {
    const { t } = this;
    const res = await fetch(t.meta.pushed_authorization_request_endpoint, {
      method: 'POST',
      headers: { authorization: t.basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        response_type: 'code', client_id: t.basic.client_id, redirect_uri: t.redirect_uri, scope: 'openid profile email offline_access',
        code_challenge: challenge, code_challenge_method: 'S256', state: randomBytes(8).toString('hex'), nonce: randomBytes(8).toString('hex'),
        prompt: 'consent',
      }),
    });
    if (res.status !== 201) throw new Error(`PAR answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
    return (await res.json()).request_uri;
  }

  async code() {
    const { t } = this;
    const requestUri = await this.par();
    let url = `${t.meta.authorization_endpoint}?${new URLSearchParams({ client_id: t.basic.client_id, request_uri: requestUri })}`;
    let init = { method: 'GET' };
    for (let step = 0; step < 12; step++) {
      const address = t.user.ip ? { 'cf-connecting-ip': t.user.ip } : {};
      const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers, ...address, cookie: this.jar.header(), accept: 'text/html' } });
      this.jar.take(res);
      if (res.status >= 300 && res.status < 400) {
        await res.arrayBuffer();
        const location = new URL(res.headers.get('location'), url);
        if (location.href.startsWith(t.redirect_uri)) {
          const code = location.searchParams.get('code');
          if (!code) throw new Error(`redirected without a code: ${location.search}`);
          return code;
        }
        url = location.href;
        init = { method: 'GET' };
        continue;
      }
      const html = await res.text();
      if (res.status !== 200) throw new Error(`${url} answered ${res.status}: ${html.slice(0, 200)}`);
      // JARM / form_post style auto-submitting page carrying the code.
      const form = fillForm(html, t.user);
      if (!form) throw new Error(`no form on ${url}`);
      const action = new URL(form.action || url, url).href;
      if (action.startsWith(t.redirect_uri) && form.fields.get('code')) return form.fields.get('code');
      if (form.method === 'POST') {
        url = action;
        init = { method: 'POST', body: form.fields.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
      } else {
        url = `${action.split('?')[0]}?${form.fields}`;
        init = { method: 'GET' };
      }
    }
    throw new Error('the flow did not reach the redirect_uri in 12 steps');
  }

  async tokens() {
    const { t } = this;
    const code = await this.code();
    const res = await fetch(t.meta.token_endpoint, {
      method: 'POST',
      headers: { authorization: t.basicAuth, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: t.redirect_uri, code_verifier: verifier }),
    });
    const body = await res.json();
    if (res.status !== 200) throw new Error(`token answered ${res.status}: ${JSON.stringify(body).slice(0, 200)}`);
    return body;
  }
}

/** Harvests up to `count` codes with `parallel` agents (made by `agent`, one account each where there are several), bounded by `seconds`. */
export async function harvestCodes(target, { count, parallel = 8, seconds = 60, agent = () => new FlowAgent(target) }) {
  const codes = [];
  const end = performance.now() + seconds * 1000;
  let firstError;
  const agents = Array.from({ length: parallel }, agent);
  await Promise.all(agents.map(async (agent) => {
    while (codes.length < count && performance.now() < end) {
      try {
        codes.push(await agent.code());
      } catch (error) {
        firstError ??= error;
        return;
      }
    }
  }));
  if (codes.length === 0 && firstError) throw firstError;
  return codes;
}
