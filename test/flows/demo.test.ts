import { describe, expect, it } from 'vitest';
import { sha256b64 } from '../../src/crypto/hash';
import { createUser } from '../helpers/admin';
import { callWith } from '../helpers/faults';
import { newBrowser, parseForm, postForm, visit } from '../helpers/interaction';
import { ISSUER, testEnv } from '../helpers/worker';

/** The local demo relying party (issue 3, newcomer path): PAR → login → consent → token → userinfo, shown decoded. */
describe('demo relying party at /demo', () => {
  it('walks the whole flow and shows the decoded ID token, access token and userinfo', async () => {
    // Seeded as scripts/start.mjs seeds it: the secret the demo uses (DEMO_CLIENT_SECRET), stored hashed.
    await testEnv.DB.prepare(
      `INSERT OR REPLACE INTO clients (client_id, client_id_issued_at, client_secret_hash, client_name, redirect_uris,
         token_endpoint_auth_method, grant_types, response_types, scope) VALUES ('demo-client', 0, ?, 'Demo', ?, 'client_secret_basic',
         '["authorization_code","refresh_token"]', '["code"]', 'openid profile email offline_access')`,
    ).bind(await sha256b64('test-demo-secret'), JSON.stringify([`${ISSUER}/demo/callback`])).run();
    const user = await createUser(undefined, undefined, { name: 'Dana Demo' });
    const browser = newBrowser();

    const started = await visit(browser, '/demo/start', { method: 'POST', headers: { origin: ISSUER } });
    expect(started.status).toBe(303);
    let location = new URL(started.headers.get('location')!, ISSUER);
    expect(location.pathname).toBe('/authorize');
    expect(location.searchParams.get('request_uri')).toMatch(/^urn:ietf:params:oauth:request_uri:/);
    let res = await visit(browser, location);
    for (let step = 0; step < 6 && location.pathname !== '/demo/callback'; step++) {
      if (res.status === 303 || res.status === 302) {
        location = new URL(res.headers.get('location')!, ISSUER);
        if (location.pathname !== '/demo/callback') res = await visit(browser, location);
        continue;
      }
      const html = await res.text();
      const form = parseForm(html);
      const answer: Record<string, string> = html.includes('name="password"') ? { username: user.username, password: user.password } : { decision: 'allow' };
      res = await postForm(browser, form.action, { ...form.fields, ...answer });
    }
    expect(location.searchParams.get('iss')).toBe(ISSUER);
    const page = await visit(browser, location);
    const html = await page.text();
    expect(page.status).toBe(200);
    expect(html).toContain('Signed in');
    expect(html).toContain(user.sub);
    expect(html).toContain('Dana Demo');
    expect(html).toContain('at+jwt');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('refuses a callback whose state is not this browser\'s (RFC 6749 §10.12)', async () => {
    const res = await visit(newBrowser(), `/demo/callback?code=x&state=forged&iss=${encodeURIComponent(ISSUER)}`);
    expect(await res.text()).toContain('state does not match');
  });

  it('shows a code from the README\'s manual walk neutrally, with the curl that redeems it, and does not redeem it (RFC 6749 §4.1.3, §10.12)', async () => {
    const res = await visit(newBrowser(), `/demo/callback?code=abc.def&state=af0ifjsldkj&iss=${encodeURIComponent(ISSUER)}`);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>Authorization code received</h1>');
    expect(html).not.toContain('did not complete');
    expect(html).not.toContain('class="alert"');
    expect(html).toContain(`curl -s -u demo-client:demo-secret ${ISSUER}/token`);
    expect(html).toContain('-d code=abc.def \\');
    expect(html).toContain('code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
    expect(html).not.toContain('Token response');
  });

  it('escapes a code it shows (no markup from the query reaches the page)', async () => {
    const html = await (await visit(newBrowser(), `/demo/callback?code=${encodeURIComponent('<img src=x>')}&state=s`)).text();
    expect(html).not.toContain('<img src=x>');
    expect(html).toContain('&lt;img src=x&gt;');
  });

  it('does not exist without DEMO_CLIENT_SECRET (deployments)', async () => {
    const res = await callWith({ DEMO_CLIENT_SECRET: '' })('/demo');
    expect(res.status).toBe(404);
  });
});
