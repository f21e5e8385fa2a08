import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { getServices } from '../../src/storage/services';
import { parseForm, postForm, visit } from '../helpers/interaction';
import { liveSession, logoutUrl, POST_LOGOUT, refreshStatus, SESSION_COOKIE as SESSION, signIn } from '../helpers/logout';
import { call, testEnv } from '../helpers/worker';

/** Logout CSRF, parallel logouts and the endpoint's surface (OpenID Connect RP-Initiated Logout 1.0 §2, §6). */
const services = getServices(testEnv);

describe('logout CSRF (RP-Initiated Logout §2, §6)', () => {
  it('a hint for another session than the browser\'s asks the user instead of logging out', async () => {
    const s = await signIn();
    const other = await signIn();
    const res = await visit(s.browser, logoutUrl({ id_token_hint: other.tokens.id_token }));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('name="decision" value="logout"');
    expect(await liveSession(s.browser)).toBe(true);
  });

  it('refuses a confirmation without the token, with a wrong one, or from another site (403), and the session lives on', async () => {
    const s = await signIn();
    const form = parseForm(await (await visit(s.browser, logoutUrl())).text());
    const attempts: Array<[Record<string, string>, Record<string, string>]> = [
      [{ decision: 'logout' }, {}],
      [{ ...form.fields, csrf_token: 'A'.repeat(43), decision: 'logout' }, {}],
      [{ ...form.fields, decision: 'logout' }, { origin: 'https://evil.example' }],
      [{ ...form.fields, decision: 'logout' }, { 'sec-fetch-site': 'cross-site' }],
    ];
    for (const [fields, headers] of attempts) {
      const res = await postForm(s.browser, '/logout', fields, headers);
      expect(res.status).toBe(403);
      expect(res.headers.get('location')).toBeNull();
      expect(await liveSession(s.browser)).toBe(true);
    }
  });

  it('a token from another browser\'s session does not confirm this one\'s logout', async () => {
    const s = await signIn();
    const other = await signIn();
    const foreign = parseForm(await (await visit(other.browser, logoutUrl())).text());
    const res = await postForm(s.browser, '/logout', { ...foreign.fields, decision: 'logout' });
    expect(res.status).toBe(403);
    expect(await liveSession(s.browser)).toBe(true);
  });
});

describe('parallel logouts (RP-Initiated Logout §2, Back-Channel Logout §2.7)', () => {
  it('two logouts of one session at once end it once', async () => {
    const s = await signIn();
    const secret = s.browser.cookies.get(SESSION)!;
    const { sid } = (await services.sessions.fromSecret(secret))!;
    const url = logoutUrl({ id_token_hint: s.tokens.id_token, post_logout_redirect_uri: POST_LOGOUT, state: 'p' });
    const responses = await Promise.all([visit({ ...s.browser, cookies: new Map(s.browser.cookies) }, url), visit(s.browser, url)]);
    for (const res of responses) expect(res.headers.get('location')).toBe(`${POST_LOGOUT}?state=p`);
    // The Session object answered "ended" once; a third end finds nothing to end.
    expect(await services.sessions.end(sid)).toBeNull();
    expect(await refreshStatus(s)).toBe(400);
  });
});

describe('end_session_endpoint methods', () => {
  it('answers 405 with Allow for other methods (RP-Initiated Logout §2)', async () => {
    const res = await call('/logout', { method: 'PUT' });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, POST');
  });

  it('without a session, a registered URI named by client_id is redirected to (§3)', async () => {
    const s = await signIn();
    await visit(s.browser, logoutUrl({ id_token_hint: s.tokens.id_token }));
    const res = await visit(s.browser, logoutUrl({ client_id: s.client.client_id, post_logout_redirect_uri: POST_LOGOUT, state: 'again' }));
    expect(res.headers.get('location')).toBe(`${POST_LOGOUT}?state=again`);
  });

  it('the ID token carries the session\'s sid (Front-/Back-Channel Logout §2.1 / §2.4)', async () => {
    const s = await signIn();
    const { sid } = (await services.sessions.fromSecret(s.browser.cookies.get(SESSION)!))!;
    expect(decodeJwt(s.tokens.id_token).sid).toBe(sid);
  });
});
