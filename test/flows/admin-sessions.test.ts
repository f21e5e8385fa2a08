import { describe, expect, it } from 'vitest';
import { adminRequest, createUser, registerClient } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { newBrowser } from '../helpers/interaction';
import { deliveriesOf, introspect, redeem, refresh, sessionsOf, signIn, silentAuthorize } from '../helpers/lifecycle';
import { unique } from '../helpers/worker';

/**
 * The admin API for a user's sessions and consents (issue 10 "What ends
 * what": "list a user's sessions, end one or all of them, and revoke a user's
 * consent for a client"; DESIGN.md "What logout ends"). Ending a session is a
 * logout: back-channel logout goes out (Back-Channel Logout 1.0 §2.7).
 */
const confidential = (extra: Record<string, unknown> = {}) =>
  registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], ...extra });
/** A plain OAuth 2.0 grant (no openid) gets a refresh token without offline_access (RFC 6749 §1.5), so logout revokes it under any policy. */
const PLAIN_SCOPE = 'profile';

describe('admin API: a user\'s sessions and consents (DESIGN.md "What logout ends")', () => {
  it('GET /admin/users/{sub}/sessions lists the live sessions with their clients, auth_time and amr (Back-Channel Logout 1.0 §2.7 audience)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    await signIn(client, user);
    await signIn(client, user);
    const res = await adminRequest('GET', `/users/${user.sub}/sessions`);
    expect(res.status).toBe(200);
    const { sessions } = await res.json<{ sessions: Array<Record<string, unknown>> }>();
    expect(sessions).toHaveLength(2);
    for (const session of sessions) {
      expect(session).toMatchObject({ clients: [client.client_id], amr: ['pwd'] });
      expect(session.sid).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(session.expires_at).toBeGreaterThan(session.auth_time as number);
    }
  });

  it('the session list of an unknown user is 404 not_found', async () => {
    expect(await errorOf(await adminRequest('GET', `/users/${unique('nobody')}/sessions`))).toMatchObject({ status: 404, error: 'not_found' });
  });

  it('DELETE /admin/users/{sub}/sessions/{sid} ends the session: no more SSO, its grants revoked, back-channel logout enqueued (Back-Channel Logout 1.0 §2.7)', async () => {
    const [client, user] = await Promise.all([confidential({ backchannel_logout_uri: 'https://rp.example/bc' }), createUser()]);
    const signedIn = await signIn(client, user, { scope: PLAIN_SCOPE });
    const tokens = await redeem(client, signedIn);
    const [session] = await sessionsOf(user.sub);
    const res = await adminRequest('DELETE', `/users/${user.sub}/sessions/${session!.sid}`);
    expect(res.status).toBe(200);
    const body = await res.json<{ sid: string; clients: string[]; revoked: number; deliveries: string[] }>();
    expect(body).toMatchObject({ sid: session!.sid, clients: [client.client_id], revoked: 1 });
    expect(body.deliveries).toHaveLength(1);
    expect(await deliveriesOf(user.sub)).toEqual([expect.objectContaining({ id: body.deliveries[0], client_id: client.client_id, sid: session!.sid })]);
    expect(await sessionsOf(user.sub)).toEqual([]);
    expect((await silentAuthorize(client, signedIn.browser, PLAIN_SCOPE)).params.get('error')).toBe('login_required');
    expect(await errorOf(await refresh(client, tokens.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await introspect(client, tokens.access_token)).toEqual({ active: false });
  });

  it('ending a session that is not a live session of that user is 404 not_found, and ending one twice too', async () => {
    const [client, user, other] = await Promise.all([confidential(), createUser(), createUser()]);
    await signIn(client, user);
    const [session] = await sessionsOf(user.sub);
    expect(await errorOf(await adminRequest('DELETE', `/users/${other.sub}/sessions/${session!.sid}`))).toMatchObject({ status: 404, error: 'not_found' });
    expect((await adminRequest('DELETE', `/users/${user.sub}/sessions/${session!.sid}`)).status).toBe(200);
    expect(await errorOf(await adminRequest('DELETE', `/users/${user.sub}/sessions/${session!.sid}`))).toMatchObject({ status: 404, error: 'not_found' });
  });

  it('DELETE /admin/users/{sub}/sessions ends every session of the user, in every browser (RP-Initiated Logout 1.0 §2)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const first = await signIn(client, user, { browser: newBrowser() });
    const second = await signIn(client, user, { browser: newBrowser() });
    const res = await adminRequest('DELETE', `/users/${user.sub}/sessions`);
    expect(res.status).toBe(200);
    expect((await res.json<{ ended: unknown[] }>()).ended).toHaveLength(2);
    expect(await sessionsOf(user.sub)).toEqual([]);
    expect((await silentAuthorize(client, first.browser)).params.get('error')).toBe('login_required');
    expect((await silentAuthorize(client, second.browser)).params.get('error')).toBe('login_required');
  });

  it('DELETE /admin/users/{sub}/consents/{client_id} forgets the consent (prompt=none: consent_required) and revokes the user\'s grants at that client, offline ones too (OpenID Connect Core §3.1.2.4, §11)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const signedIn = await signIn(client, user, { scope: 'openid offline_access' });
    const tokens = await redeem(client, signedIn);
    expect((await adminRequest('DELETE', `/users/${user.sub}/consents/${client.client_id}`)).status).toBe(204);
    expect((await silentAuthorize(client, signedIn.browser)).params.get('error')).toBe('consent_required');
    expect(await errorOf(await refresh(client, tokens.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await introspect(client, tokens.access_token)).toEqual({ active: false });
  });

  it('revoking a consent that does not exist is 404 not_found', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    expect(await errorOf(await adminRequest('DELETE', `/users/${user.sub}/consents/${client.client_id}`))).toMatchObject({ status: 404, error: 'not_found' });
  });

  it('the session and consent endpoints need the admin token: 401 without it (DESIGN.md contract 2)', async () => {
    const user = await createUser();
    for (const [method, path] of [['GET', `/users/${user.sub}/sessions`], ['DELETE', `/users/${user.sub}/sessions`], ['DELETE', `/users/${user.sub}/sessions/x`], ['DELETE', `/users/${user.sub}/consents/x`]] as const) {
      expect((await adminRequest(method, path, undefined, 'wrong-token')).status).toBe(401);
    }
  });
});
