import { describe, expect, it } from 'vitest';
import { getServices } from '../../src/storage/services';
import { adminRequest, createUser, registerClient } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { newBrowser } from '../helpers/interaction';
import {
  clientPost, deliveriesOf, introspect, redeem, refresh, sessionsOf, signIn, silentAuthorize, userinfo,
} from '../helpers/lifecycle';
import { announceSecret } from '../helpers/secrets';
import { testEnv } from '../helpers/worker';

/**
 * Deleting a user (DESIGN.md "What logout ends": "Deleting a user ends every
 * session and grant of theirs"; issue 10 "What ends what"), end to end over
 * HTTP: the session, refresh, introspection, userinfo and pending codes.
 */
const confidential = () => registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'] });
const deleteUser = (sub: string) => adminRequest('DELETE', `/users/${sub}`);

describe('deleting a user ends what speaks for them (DESIGN.md "What logout ends")', () => {
  it('a session of a deleted user no longer signs in silently, to its client or a new one: login_required (OpenID Connect Core §3.1.2.6)', async () => {
    const [client, other, user] = await Promise.all([confidential(), confidential(), createUser()]);
    const { browser } = await signIn(client, user);
    expect((await silentAuthorize(client, browser)).params.get('code')).toBeTruthy(); // SSO before the deletion
    expect((await silentAuthorize(other, browser)).params.get('error')).toBe('consent_required'); // signed in, not yet consented
    expect((await deleteUser(user.sub)).status).toBe(204);
    expect((await silentAuthorize(client, browser)).params.get('error')).toBe('login_required');
    expect((await silentAuthorize(other, browser)).params.get('error')).toBe('login_required');
  });

  it('a session the index never saw still signs no one in once its user is deleted (defence in depth, DESIGN.md "What logout ends")', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const services = getServices(testEnv);
    const now = services.now();
    // A session started without its index row, as a login racing the deletion would leave it.
    const { secret } = await services.sessions.start({ sub: user.sub, auth_time: now, amr: ['pwd'], expires_at: now + 3600 });
    announceSecret(secret);
    const browser = newBrowser();
    browser.cookies.set('__Host-portcullis_session', secret);
    await signIn(client, user, { browser: newBrowser() }); // the consent is remembered
    expect((await silentAuthorize(client, browser)).params.get('code')).toBeTruthy();
    expect((await deleteUser(user.sub)).status).toBe(204);
    expect((await silentAuthorize(client, browser)).params.get('error')).toBe('login_required');
  });

  it('refresh tokens of a deleted user are refused with invalid_grant, offline_access ones too (RFC 6749 §5.2)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const tokens = await redeem(client, await signIn(client, user, { scope: 'openid offline_access' }));
    expect((await deleteUser(user.sub)).status).toBe(204);
    const res = await refresh(client, tokens.refresh_token!);
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('an offline_access grant whose session already ended is revoked too (DESIGN.md "What logout ends")', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const tokens = await redeem(client, await signIn(client, user, { scope: 'openid offline_access' }));
    const [session] = await sessionsOf(user.sub);
    await getServices(testEnv).sessions.end(session!.sid); // a logout that kept the offline grant
    const kept = await refresh(client, tokens.refresh_token!);
    expect(kept.status).toBe(200);
    const { refresh_token } = await kept.json<{ refresh_token: string }>();
    announceSecret(refresh_token);
    expect((await deleteUser(user.sub)).status).toBe(204);
    expect(await errorOf(await refresh(client, refresh_token))).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('introspection answers active false for a deleted user\'s access and refresh tokens (RFC 7662 §2.2)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const tokens = await redeem(client, await signIn(client, user, { scope: 'openid offline_access' }));
    expect(await introspect(client, tokens.access_token)).toMatchObject({ active: true, sub: user.sub });
    expect((await deleteUser(user.sub)).status).toBe(204);
    expect(await introspect(client, tokens.access_token)).toEqual({ active: false });
    expect(await introspect(client, tokens.refresh_token!)).toEqual({ active: false });
  });

  it('/userinfo refuses a deleted user\'s access token with invalid_token (RFC 6750 §3.1)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const tokens = await redeem(client, await signIn(client, user));
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    expect((await deleteUser(user.sub)).status).toBe(204);
    const res = await userinfo(tokens.access_token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('a code issued before the deletion no longer redeems: invalid_grant (RFC 6749 §5.2)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const pending = await signIn(client, user);
    expect((await deleteUser(user.sub)).status).toBe(204);
    const res = await clientPost('/token', client, {
      grant_type: 'authorization_code', code: pending.code, redirect_uri: 'https://rp.example/cb', code_verifier: pending.code_verifier,
    });
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('deleting a user enqueues back-channel logout for each session\'s clients, with sub and sid (Back-Channel Logout 1.0 §2.5, §2.7)', async () => {
    const client = await registerClient({
      token_endpoint_auth_method: 'client_secret_basic', backchannel_logout_uri: 'https://rp.example/backchannel', backchannel_logout_session_required: true,
    });
    const user = await createUser();
    await signIn(client, user);
    const [session] = await sessionsOf(user.sub);
    expect(await deliveriesOf(user.sub)).toEqual([]);
    expect((await deleteUser(user.sub)).status).toBe(204);
    const rows = await deliveriesOf(user.sub);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ client_id: client.client_id, sub: user.sub, sid: session!.sid, uri: 'https://rp.example/backchannel' });
    expect(['pending', 'retrying']).toContain(rows[0]!.state);
  });

  it('a deleted user\'s sessions, grants and consents leave the lifecycle index; a second DELETE is 404 not_found', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    await signIn(client, user);
    expect((await deleteUser(user.sub)).status).toBe(204);
    for (const table of ['sessions', 'grants', 'consents']) {
      expect(await testEnv.DB.prepare(`SELECT COUNT(*) AS n FROM ${table} WHERE sub = ?`).bind(user.sub).first('n')).toBe(0);
    }
    expect(await errorOf(await deleteUser(user.sub))).toMatchObject({ status: 404, error: 'not_found' });
  });
});
