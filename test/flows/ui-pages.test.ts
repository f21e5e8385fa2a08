import { describe, expect, it } from 'vitest';
import { createUser, registerClient } from '../helpers/admin';
import { callWith } from '../helpers/faults';
import { authorizeUrl, newBrowser, parseForm, postForm, pushRequest, visit } from '../helpers/interaction';
import { basic, ISSUER } from '../helpers/worker';

/**
 * The pages in the user's language and the operator's and client's colours
 * (issue 13): `ui_locales` (OpenID Connect Core §3.1.2.1) kept from the login
 * to the consent page, `<html lang>` on each page, and the client's
 * presentation (RFC 7591 §2) shown only when https and always escaped.
 */
const REDIRECT = 'https://rp.example/cb';
const langOf = (html: string) => /<html lang="([^"]+)"/.exec(html)?.[1];
const imgSrcOf = (res: Response) => /img-src ([^;]*)/.exec(res.headers.get('content-security-policy') ?? '')?.[1];

async function loginPage(extra: Record<string, string>, metadata: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', client_name: 'Lingua RP', ...metadata });
  const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid profile', state: 'ui', ...extra });
  const browser = newBrowser();
  const page = await visit(browser, authorizeUrl({ client_id: reg.client_id, request_uri }), { headers });
  expect(page.status).toBe(200);
  return { reg, browser, html: await page.text(), page };
}

/** Signs in on the login page and follows the 303 to the consent page. */
async function consentPage(extra: Record<string, string>, metadata: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const user = await createUser();
  const { browser, html } = await loginPage(extra, metadata, headers);
  const form = parseForm(html);
  const posted = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password }, headers);
  expect(posted.status).toBe(303);
  const page = await visit(browser, new URL(posted.headers.get('location')!, ISSUER), { headers });
  expect(page.status).toBe(200);
  return { page, html: await page.text(), browser };
}

describe('pages in the requested language (OpenID Connect Core §3.1.2.1 ui_locales)', () => {
  it('shows the login page in Danish for ui_locales=da, and keeps Danish on the consent page (OpenID Connect Core §3.1.2.1)', async () => {
    const login = await loginPage({ ui_locales: 'fr-CA da-DK' });
    expect(langOf(login.html)).toBe('da');
    expect(login.html).toContain('<label for="username">Brugernavn</label>');
    expect(login.html).toContain('for at fortsætte til <strong>Lingua RP</strong>');
    // The browser asks for English: the request's ui_locales still wins on the next page.
    const consent = await consentPage({ ui_locales: 'da' }, {}, { 'accept-language': 'en-GB,en;q=0.9' });
    expect(langOf(consent.html)).toBe('da');
    expect(consent.html).toContain('<h1>Vil du give adgang?</h1>');
    expect(consent.html).toContain('Se din profil');
    expect(consent.html).toContain('value="allow">Tillad</button>');
  });

  it('speaks Māori from Accept-Language when the request names no ui_locales (RFC 9110 §12.5.4)', async () => {
    const { html } = await loginPage({}, {}, { 'accept-language': 'fr;q=0.9, mi-NZ;q=0.8, en;q=0.1' });
    expect(langOf(html)).toBe('mi');
    expect(html).toContain('<label for="password">Kupuhipa</label>');
  });

  it('falls back to English for an unsupported ui_locales (OpenID Connect Core §3.1.2.1: not an error)', async () => {
    const { html } = await loginPage({ ui_locales: 'tlh' });
    expect(langOf(html)).toBe('en');
    expect(html).toContain('<h1>Sign in</h1>');
  });

  it('shows the logout pages in the logout request\'s ui_locales (RP-Initiated Logout 1.0 §2)', async () => {
    const res = await visit(newBrowser(), '/logout?ui_locales=mi');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(langOf(html)).toBe('mi');
    expect(html).toContain('<h1>Kua takiputa koe</h1>');
  });

  it('shows an error page in the browser\'s language, before any request is known (RFC 9110 §12.5.4)', async () => {
    const res = await visit(newBrowser(), '/authorize?client_id=nobody-at-all', { headers: { 'accept-language': 'da' } });
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(langOf(html)).toBe('da');
    expect(html).toContain('<h1>Anmodningen kan ikke gennemføres</h1>');
  });

  it('advertises the supported languages as ui_locales_supported (OpenID Connect Discovery 1.0 §3)', async () => {
    const metadata = await (await visit(newBrowser(), '/.well-known/openid-configuration')).json<Record<string, unknown>>();
    expect(metadata.ui_locales_supported).toEqual(['en', 'da', 'mi']);
  });
});

describe('the client on the consent page (RFC 7591 §2 client_name, logo_uri, policy_uri, tos_uri)', () => {
  it('escapes the client name and shows its https logo and policy without referrer; the logo origin is in this page\'s img-src only', async () => {
    const name = '<script>alert(1)</script> & "Co"';
    const metadata = { client_name: name, logo_uri: 'https://cdn.rp.example/logo.png', policy_uri: 'https://rp.example/privacy' };
    const login = await loginPage({}, metadata);
    expect(imgSrcOf(login.page)).toBe("'self' data:");
    const { page, html } = await consentPage({}, metadata);
    expect(html).not.toContain('<script>alert(1)');
    expect(html).toContain('<strong>&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;Co&quot;</strong>');
    expect(html).toContain('<img src="https://cdn.rp.example/logo.png" alt="" referrerpolicy="no-referrer"');
    expect(html).toMatch(/<a href="https:\/\/rp\.example\/privacy" rel="noopener noreferrer" target="_blank">Privacy policy of &lt;script&gt;/);
    expect(imgSrcOf(page)).toBe("'self' data: https://cdn.rp.example");
  });

  it('drops a logo and terms link that are not https (issue 13: https only)', async () => {
    const metadata = { logo_uri: 'http://127.0.0.1/logo.png', tos_uri: 'http://127.0.0.1/tos' };
    const { page, html } = await consentPage({}, metadata);
    expect(html).not.toContain('<img');
    expect(html).not.toContain('127.0.0.1');
    expect(imgSrcOf(page)).toBe("'self' data:");
  });
});

describe('operator branding (BRAND_* settings)', () => {
  const BRAND = {
    BRAND_NAME: 'Acme ID', BRAND_LOGO_URL: 'https://cdn.acme.example/logo.svg', BRAND_PRIMARY_COLOR: '#0a7f3f',
    BRAND_SUPPORT_URL: 'https://acme.example/help', BRAND_PRIVACY_URL: 'https://acme.example/privacy', BRAND_TERMS_URL: 'https://acme.example/terms',
  };

  it('brands the login page: name, logo (allowed by img-src), colour in the nonce\'d style, footer links', async () => {
    const call = callWith(BRAND);
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const par = await call('/par', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(reg.client_id, reg.client_secret!) },
      body: new URLSearchParams({ response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 'b' }).toString(),
    });
    const { request_uri } = await par.json<{ request_uri: string }>();
    const res = await call(`/authorize?client_id=${encodeURIComponent(reg.client_id)}&request_uri=${encodeURIComponent(request_uri)}`);
    const html = await res.text();
    expect(res.status).toBe(200);
    expect(html).toContain('<title>Sign in · Acme ID</title>');
    expect(html).toContain('<img src="https://cdn.acme.example/logo.svg" alt="" referrerpolicy="no-referrer"/><span>Acme ID</span>');
    expect(html).toContain(':root{--accent:#0a7f3f;');
    for (const href of ['https://acme.example/help', 'https://acme.example/privacy', 'https://acme.example/terms']) {
      expect(html).toContain(`<a href="${href}" rel="noopener noreferrer" target="_blank">`);
    }
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toContain("img-src 'self' data: https://cdn.acme.example;");
    expect(csp).toMatch(/style-src 'nonce-[^']+'(;|$)/);
  });

  it('brands the error page and names the product on it', async () => {
    const res = await callWith(BRAND)('/authorize?client_id=nobody-at-all');
    expect(res.status).toBe(400);
    const html = await res.text();
    expect(html).toContain('<span>Acme ID</span>');
    expect(html).toContain('You can close this window.');
  });
});

describe('the issuer\'s own page at /', () => {
  it('answers a small HTML page linking to discovery, the JWK Set and the demo, instead of a JSON 404', async () => {
    const res = await visit(newBrowser(), '/');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain('<a href="/.well-known/openid-configuration">');
    expect(html).toContain('<a href="/jwks">');
    expect(html).toContain('<a href="/demo">');
    expect(html).toContain('<code>README.md</code>');
    expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
  });

  it('leaves the demo out where the demo is off, and follows Accept-Language', async () => {
    const res = await callWith({ DEMO_CLIENT_SECRET: '', BRAND_NAME: 'Acme ID' })('/', { headers: { 'accept-language': 'da' } });
    const html = await res.text();
    expect(html).not.toContain('href="/demo"');
    expect(langOf(html)).toBe('da');
    expect(html).toContain('<h1>Acme ID</h1>');
  });
});
