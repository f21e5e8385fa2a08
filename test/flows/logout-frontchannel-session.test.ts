import { describe, expect, it } from 'vitest';
import { endSession } from '../../src/oauth/session-end';
import { computeSessionState } from '../../src/oauth/session-state';
import { getServices } from '../../src/storage/services';
import { createUser } from '../helpers/admin';
import { newBrowser, visit } from '../helpers/interaction';
import { logoutClient, logoutUrl, POST_LOGOUT, signIn, signInTo } from '../helpers/logout';
import { call, ISSUER, testEnv } from '../helpers/worker';

/**
 * Front-Channel Logout 1.0 and Session Management 1.0 at the HTTP surface
 * (oidcc-frontchannel-rp-initiated-logout, oidcc-session-management-rp-initiated-logout);
 * the frames loading and the iframe's `changed` run in Chromium (test/browser/).
 */
const SESSION = '__Host-portcullis_session';
const BROWSER_STATE = '__Host-portcullis_browser_state';
const services = getServices(testEnv);

async function sidOf(cookies: Map<string, string>): Promise<string> {
  return (await services.sessions.fromSecret(cookies.get(SESSION)!))!.sid;
}

describe('oidcc-frontchannel-rp-initiated-logout (Front-Channel Logout 1.0 §2, §3)', () => {
  it('renders one iframe per RP of the session with a frontchannel_logout_uri, iss and sid where required, then continues', async () => {
    const a = await logoutClient({ frontchannel_logout_uri: 'https://rp.example/fc', frontchannel_logout_session_required: true });
    const b = await logoutClient({ frontchannel_logout_uri: 'https://other-rp.example/logout?x=1' });
    const c = await logoutClient();
    const user = await createUser();
    const browser = newBrowser();
    const first = await signInTo(a, user, browser);
    await signInTo(b, user, browser);
    await signInTo(c, user, browser);
    const sid = await sidOf(browser.cookies);
    const res = await visit(browser, logoutUrl({ id_token_hint: first.tokens.id_token, post_logout_redirect_uri: POST_LOGOUT, state: 'fc' }));
    expect(res.status).toBe(200);
    const html = await res.text();
    const frames = [...html.matchAll(/<iframe class="fc" src="([^"]+)"/g)].map((m) => new URL(m[1]!.replace(/&amp;/g, '&')));
    expect(frames.map((u) => u.origin + u.pathname).sort()).toEqual(['https://other-rp.example/logout', 'https://rp.example/fc']);
    const withSid = frames.find((u) => u.origin === 'https://rp.example')!;
    expect(Object.fromEntries(withSid.searchParams)).toEqual({ iss: ISSUER, sid });
    const without = frames.find((u) => u.origin === 'https://other-rp.example')!;
    expect(Object.fromEntries(without.searchParams)).toEqual({ x: '1' });
    const csp = res.headers.get('content-security-policy')!;
    expect(csp).toMatch(/frame-src https:\/\/rp\.example https:\/\/other-rp\.example;|frame-src https:\/\/other-rp\.example https:\/\/rp\.example;/);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    // Continues without JavaScript (meta refresh and a link) and with it (bounded wait).
    expect(html).toContain(`<meta http-equiv="refresh" content="5;url=${POST_LOGOUT}?state=fc"`);
    expect(html).toContain(`<a id="continue" href="${POST_LOGOUT}?state=fc"`);
    expect(html).toContain('setTimeout(go,3000)');
  });

  it('shows the frames on the signed-out page when there is no redirect, without script', async () => {
    const s = await signIn({ frontchannel_logout_uri: 'https://rp.example/fc' });
    const res = await visit(s.browser, logoutUrl({ id_token_hint: s.tokens.id_token }));
    const html = await res.text();
    expect(html).toContain('<iframe class="fc" src="https://rp.example/fc"');
    expect(html).not.toContain('<script');
    expect(res.headers.get('content-security-policy')).toContain("script-src 'none'");
  });
});

describe('oidcc-session-management-rp-initiated-logout (Session Management 1.0 §3, §4)', () => {
  it('puts session_state in the authorization response: the salted hash of client_id, RP origin and the browser-state cookie (§3)', async () => {
    const s = await signIn();
    const state = s.callback.params.get('session_state')!;
    const [, salt] = state.split('.');
    expect(state).toBe(await computeSessionState(s.client.client_id, 'https://rp.example', s.browser.cookies.get(BROWSER_STATE)!, salt));
    // The browser state changes on logout, so the same session_state no longer matches (what the iframe answers as `changed`).
    await visit(s.browser, logoutUrl({ id_token_hint: s.tokens.id_token }));
    expect(state).not.toBe(await computeSessionState(s.client.client_id, 'https://rp.example', s.browser.cookies.get(BROWSER_STATE)!, salt));
  });

  it('the browser-state cookie changes on every login (§3)', async () => {
    const s = await signIn();
    const first = s.browser.cookies.get(BROWSER_STATE);
    const again = newBrowser();
    again.cookies = new Map(s.browser.cookies);
    again.cookies.delete(SESSION);
    await signInTo(s.client, s.user, again);
    expect(again.cookies.get(BROWSER_STATE)).not.toBe(first);
  });

  it('serves the check_session_iframe: frameable by RPs, script only by nonce, nothing else loads (§3.2)', async () => {
    const res = await call('/session/check');
    expect(res.status).toBe(200);
    const csp = res.headers.get('content-security-policy')!;
    const nonce = /'nonce-([^']+)'/.exec(csp)![1];
    expect(csp).toBe(`default-src 'none'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`);
    expect(res.headers.get('x-frame-options')).toBeNull();
    const html = await res.text();
    expect(html).toContain(`<script nonce="${nonce}">`);
    expect(html).toContain('"__Host-portcullis_browser_state"');
    expect(html).toContain('e.source!==window.parent');
  });

  it('discovery advertises the four session specs (RP-Initiated §2.1, Session Management §3.3, Front-Channel §3, Back-Channel §2.1)', async () => {
    const meta = await (await call('/.well-known/openid-configuration')).json<Record<string, unknown>>();
    expect(meta).toMatchObject({
      end_session_endpoint: `${ISSUER}/logout`,
      check_session_iframe: `${ISSUER}/session/check`,
      frontchannel_logout_supported: true,
      frontchannel_logout_session_supported: true,
      backchannel_logout_supported: true,
      backchannel_logout_session_supported: true,
    });
  });
});

describe('endSession (RP-Initiated Logout §2, Back-Channel Logout §2.7)', () => {
  it('ends a session once when called in parallel, revoking its grants once', async () => {
    const s = await signIn();
    const sid = await sidOf(s.browser.cookies);
    const results = await Promise.all([1, 2, 3].map(() => endSession(sid, { keepOffline: true }, services)));
    const ended = results.filter((r) => r !== null);
    expect(ended).toHaveLength(1);
    expect(ended[0]).toMatchObject({ sid, sub: s.user.sub, clients: [s.client.client_id], deliveries: [] });
    expect(ended[0]!.revoked).toHaveLength(1);
  });

  it('returns null for an unknown session', async () => {
    expect(await endSession('no-such-sid', { keepOffline: false }, services)).toBeNull();
  });

  it('keepOffline: false revokes offline_access grants too (user deletion, DESIGN.md)', async () => {
    const s = await signIn({}, 'openid offline_access');
    const ended = await endSession(await sidOf(s.browser.cookies), { keepOffline: false }, services);
    expect(ended!.revoked).toHaveLength(1);
  });
});
