// With admin credentials: a whole login as a relying party would do it, with a
// temporary client and user made through the admin API (DESIGN.md contract 3)
// and deleted afterwards, whatever happened in between.
import { CookieJar, request } from './http.mjs';
import { fillForm } from './html-form.mjs';
import { verifyJwt } from './jwt.mjs';
import { cookieProblems, pageHeaderProblems } from './page-headers.mjs';
import { described, fail, pass, skip } from './result.mjs';

const random = (bytes = 32) => Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('base64url');
const sha256 = async (s) => Buffer.from(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(s))).toString('base64url');

/** A step that did not go as it should: becomes the step's fail line, and the steps after it are skipped. */
class StepFailed extends Error {}
const expectThat = (condition, message) => {
  if (!condition) throw new StepFailed(message);
};

/** The round trip's lines; `adminToken` is the ADMIN_TOKEN of the deployment (contract 2). */
export async function checkRoundTrip(issuer, meta, adminToken) {
  const lines = [];
  const admin = (method, path, json) => request(`${issuer.replace(/\/$/, '')}/admin${path}`, { method, json, headers: { authorization: `Bearer ${adminToken}` } });
  const made = {};
  const steps = roundTripSteps(issuer, meta, admin, made, lines);
  try {
    for (const [id, title, run] of steps) {
      try {
        lines.push(pass(id, title, (await run()) ?? ''));
      } catch (error) {
        lines.push(fail(id, title, error instanceof StepFailed ? error.message : `${error.name}: ${error.message}`));
        for (const [laterId, laterTitle] of steps.slice(steps.findIndex(([i]) => i === id) + 1)) lines.push(skip(laterId, laterTitle, `after ${id} failed`));
        break;
      }
    }
  } finally {
    lines.push(await cleanUp(admin, made));
  }
  return lines;
}

/** The steps in order: [id, title, run]; `made` collects what must be deleted. */
function roundTripSteps(issuer, meta, admin, made, lines) {
  const user = { username: `portcullis-check-${random(6)}`, password: random(24) };
  const redirect_uri = 'https://portcullis-check.invalid/callback';
  const verifier = random(32);
  const state = random(12);
  const nonce = random(12);
  const t = {};
  const clientAuth = () => `Basic ${Buffer.from(`${encodeURIComponent(made.client.client_id)}:${encodeURIComponent(made.client.client_secret)}`).toString('base64')}`;
  return [
    ['roundtrip.admin', 'admin API creates a temporary user and client', async () => {
      const u = await admin('POST', '/users', { ...user, claims: { name: 'Portcullis self-check', email: `${user.username}@portcullis-check.invalid` } });
      expectThat(u.status === 201, `POST /admin/users → ${described(u)}${u.status === 401 ? ': is the admin token right?' : ''}`);
      made.user = u.json;
      const c = await admin('POST', '/clients', {
        client_name: 'Portcullis self-check (temporary)', redirect_uris: [redirect_uri], token_endpoint_auth_method: 'client_secret_basic',
        grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], scope: 'openid profile email offline_access',
      });
      expectThat(c.status === 201, `POST /admin/clients → ${described(c)}`);
      made.client = c.json;
      return `user ${made.user.sub}, client ${made.client.client_id}`;
    }],
    ['roundtrip.par', 'PAR with client_secret_basic and PKCE S256 gives a request_uri', async () => {
      const res = await request(meta.pushed_authorization_request_endpoint, {
        method: 'POST', headers: { authorization: clientAuth() },
        form: { response_type: 'code', client_id: made.client.client_id, redirect_uri, scope: 'openid profile email offline_access', state, nonce, code_challenge: await sha256(verifier), code_challenge_method: 'S256', prompt: 'consent' },
      });
      expectThat(res.status === 201 && res.json?.request_uri, `POST ${meta.pushed_authorization_request_endpoint} → ${described(res)}`);
      t.request_uri = res.json.request_uri;
      return `expires_in ${res.json.expires_in}`;
    }],
    ['roundtrip.login', 'authorize → login form (CSRF token, cookies) → consent allow → redirect with code', async () => {
      t.code = await browse(`${meta.authorization_endpoint}?${new URLSearchParams({ client_id: made.client.client_id, request_uri: t.request_uri })}`, { user, redirect_uri, state, issuer, lines });
      return 'code received with state and iss (RFC 9207)';
    }],
    ['roundtrip.token', 'token endpoint redeems the code; the ID token verifies against jwks_uri', async () => {
      const res = await request(meta.token_endpoint, { method: 'POST', headers: { authorization: clientAuth() }, form: { grant_type: 'authorization_code', code: t.code, redirect_uri, code_verifier: verifier } });
      expectThat(res.status === 200 && res.json?.access_token && res.json?.id_token, `POST ${meta.token_endpoint} → ${described(res)}`);
      expectThat(/no-store/i.test(res.headers.get('cache-control') ?? ''), 'token response is not Cache-Control: no-store (RFC 6749 §5.1)');
      t.tokens = res.json;
      const jwks = (await request(meta.jwks_uri)).json;
      const id = await verifyJwt(res.json.id_token, jwks);
      expectThat(!id.error, `ID token: ${id.error}`);
      expectThat(id.claims.iss === issuer && id.claims.aud === made.client.client_id && id.claims.nonce === nonce && id.claims.sub === made.user.sub,
        `ID token claims iss/aud/nonce/sub wrong: ${JSON.stringify({ iss: id.claims.iss, aud: id.claims.aud, sub: id.claims.sub })} (OIDC Core §3.1.3.7)`);
      return `ID token ${id.header.alg}, kid ${id.header.kid}${res.json.refresh_token ? ', refresh token issued' : ''}`;
    }],
    ['roundtrip.userinfo', 'userinfo answers for the access token', async () => {
      const res = await request(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${t.tokens.access_token}` } });
      expectThat(res.status === 200 && res.json?.sub === made.user.sub, `GET ${meta.userinfo_endpoint} → ${described(res)}`);
      return `sub ${res.json.sub}`;
    }],
    ['roundtrip.revoke', 'revocation ends the grant: userinfo then refuses the access token', async () => {
      const token = t.tokens.refresh_token ?? t.tokens.access_token;
      const res = await request(meta.revocation_endpoint, { method: 'POST', headers: { authorization: clientAuth() }, form: { token } });
      expectThat(res.status === 200, `POST ${meta.revocation_endpoint} → ${described(res)} (RFC 7009 §2.2)`);
      const after = await request(meta.userinfo_endpoint, { headers: { authorization: `Bearer ${t.tokens.access_token}` } });
      expectThat(after.status === 401, `userinfo after revocation → ${described(after)}, expected 401 invalid_token`);
      return `revoked the ${t.tokens.refresh_token ? 'refresh' : 'access'} token; userinfo now 401`;
    }],
  ];
}

/**
 * Plays the user agent from `url` to the redirect back to the client: GET the
 * authorization endpoint, fill the login form, allow on the consent page.
 * Checks the login page's headers and cookies on the way (one line each).
 */
async function browse(start, { user, redirect_uri, state, issuer, lines }) {
  const jar = new CookieJar();
  let url = start;
  let init = { method: 'GET' };
  const seen = [];
  for (let step = 0; step < 12; step++) {
    const res = await request(url, { ...init, headers: { ...init.headers, cookie: jar.header(), accept: 'text/html' } });
    jar.take(res.headers);
    if (res.status >= 300 && res.status < 400) {
      const location = new URL(res.headers.get('location'), url);
      if (location.href.startsWith(redirect_uri)) {
        const p = location.searchParams;
        expectThat(!p.has('error'), `redirected back with error=${p.get('error')} ${p.get('error_description') ?? ''}`);
        expectThat(p.get('code') && p.get('state') === state, `redirect back lacks the code or the state: ${location.search}`);
        expectThat(p.get('iss') === issuer, `redirect back carries iss=${p.get('iss')}, expected ${issuer} (RFC 9207 §2)`);
        const cookies = cookieProblems(jar.seen, { https: new URL(issuer).protocol === 'https:' });
        lines.push(cookies.length ? fail('pages.cookies', 'login cookies are HttpOnly, Secure and SameSite', cookies.join('; ')) : pass('pages.cookies', 'login cookies are HttpOnly, Secure and SameSite', `${jar.seen.length} Set-Cookie lines`));
        return p.get('code');
      }
      url = location.href;
      init = { method: 'GET' };
      continue;
    }
    expectThat(res.status === 200, `${init.method} ${url.split('?')[0]} → ${described(res)} after ${seen.join(' → ') || 'start'}`);
    const form = fillForm(res.text, user);
    expectThat(form, `no form on ${url.split('?')[0]}`);
    seen.push(form.kind);
    if (form.kind === 'login') {
      const problems = pageHeaderProblems(res.headers);
      lines.push(problems.length ? fail('pages.login_headers', 'login page security headers', problems.join('; ')) : pass('pages.login_headers', 'login page security headers', 'frame-ancestors/X-Frame-Options, CSP, nosniff, Referrer-Policy, no-store'));
    }
    const action = new URL(form.action || url, url).href;
    if (form.method === 'POST') init = { method: 'POST', body: form.fields.toString(), headers: { 'content-type': 'application/x-www-form-urlencoded' } };
    else init = { method: 'GET' };
    url = form.method === 'POST' ? action : `${action.split('?')[0]}?${form.fields}`;
  }
  throw new StepFailed(`did not get back to the redirect_uri in 12 steps (${seen.join(' → ')})`);
}

/** Deletes the temporary client (revoking its grants) and user (ending their sessions). */
async function cleanUp(admin, made) {
  const title = 'temporary client and user deleted';
  if (!made.client && !made.user) return skip('roundtrip.cleanup', title, 'nothing was created');
  const results = [];
  if (made.client) results.push([`client ${made.client.client_id}`, await admin('DELETE', `/clients/${encodeURIComponent(made.client.client_id)}`)]);
  if (made.user) results.push([`user ${made.user.sub}`, await admin('DELETE', `/users/${encodeURIComponent(made.user.sub)}`)]);
  const left = results.filter(([, r]) => r.status < 200 || r.status >= 300);
  return left.length ? fail('roundtrip.cleanup', title, `could not delete ${left.map(([what, r]) => `${what} (${described(r)})`).join(', ')}: delete by hand`) : pass('roundtrip.cleanup', title, results.map(([w]) => w).join(', '));
}
