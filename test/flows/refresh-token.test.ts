import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { sha256b64 } from '../../src/crypto/hash';
import { splitToken } from '../../src/oauth/grant-data';
import { getServices } from '../../src/storage/services';
import { issueCode, redeem, rpClient, type RpClient } from '../helpers/grant';
import { discover, viaWorker } from '../helpers/rp';
import { registerClient } from '../helpers/admin';
import { call, form, testEnv } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

async function tokensFor(rp: RpClient, scope = 'openid profile offline_access') {
  const as = await discover();
  const issued = await issueCode({ client_id: rp.client_id, scope });
  const tokens = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
  return { as, issued, tokens };
}

function refresh(as: oauth.AuthorizationServer, rp: RpClient, token: string, params?: Record<string, string>) {
  return oauth.refreshTokenGrantRequest(as, rp.client, rp.auth, token, { ...viaWorker, additionalParameters: params });
}

describe('refresh_token grant (RFC 6749 §6)', () => {
  it('rotates the refresh token and issues a new access and ID token without nonce (RFC 9700 §4.14.2, OpenID Connect Core §12.2)', async () => {
    const rp = await rpClient();
    const { as, issued, tokens } = await tokensFor(rp);
    const res = await refresh(as, rp, tokens.refresh_token!);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const next = await oauth.processRefreshTokenResponse(as, rp.client, res);
    expect(next.refresh_token).toMatch(/^[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}$/);
    expect(next.refresh_token).not.toBe(tokens.refresh_token);
    expect(next.scope).toBe('openid profile offline_access');
    const id = decodeJwt(next.id_token!);
    expect(id).toMatchObject({ sub: issued.sub, aud: rp.client_id, sid: issued.data.sid });
    expect(id.nonce).toBeUndefined();
    expect((await oauth.userInfoRequest(as, rp.client, next.access_token, viaWorker)).status).toBe(200);
  });

  it('revokes the whole family when a public client reuses a rotated token (RFC 9700 §4.14.2)', async () => {
    const rp = await rpClient({ token_endpoint_auth_method: 'none' });
    const { as, tokens } = await tokensFor(rp);
    const next = await oauth.processRefreshTokenResponse(as, rp.client, await refresh(as, rp, tokens.refresh_token!));
    expect(await errorOf(await refresh(as, rp, tokens.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await errorOf(await refresh(as, rp, next.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect((await oauth.userInfoRequest(as, rp.client, next.access_token, viaWorker)).status).toBe(401);
  });

  it('lets a confidential client retry with its previous token inside the grace window (FAPI 2.0 §5.3.2.1)', async () => {
    const rp = await rpClient({ token_endpoint_auth_method: 'client_secret_post' });
    const { as, tokens } = await tokensFor(rp);
    const lost = await oauth.processRefreshTokenResponse(as, rp.client, await refresh(as, rp, tokens.refresh_token!));
    const retried = await oauth.processRefreshTokenResponse(as, rp.client, await refresh(as, rp, tokens.refresh_token!));
    // The retry's token is the live one; the lost response's token is not a second lineage.
    expect(await errorOf(await refresh(as, rp, lost.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
    const after = await oauth.processRefreshTokenResponse(as, rp.client, await refresh(as, rp, retried.refresh_token!));
    expect(after.access_token).toBeTruthy();
  });

  it('revokes the family on reuse after the grace window (grant object, RFC 9700 §4.14.2)', async () => {
    const rp = await rpClient();
    const { issued, tokens } = await tokensFor(rp);
    const services = getServices(testEnv);
    const grant = services.grants.grant(issued.handle);
    const old_hash = await sha256b64(splitToken(tokens.refresh_token!)!.secret);
    const now = services.now();
    expect((await grant.rotateRefresh({ presented_hash: old_hash, next_hash: 'n1', now, grace_seconds: 30 })).ok).toBe(true);
    expect(await grant.rotateRefresh({ presented_hash: old_hash, next_hash: 'n2', now: now + 30, grace_seconds: 30 })).toMatchObject({ ok: false, reason: 'reused' });
    expect(await grant.status({ now })).toEqual({ active: false });
  });

  it('revokes the family when a token two rotations old is reused, even by a confidential client (RFC 9700 §4.14.2)', async () => {
    const rp = await rpClient({ token_endpoint_auth_method: 'client_secret_post' });
    const { as, tokens } = await tokensFor(rp);
    const first = await oauth.processRefreshTokenResponse(as, rp.client, await refresh(as, rp, tokens.refresh_token!));
    const second = await oauth.processRefreshTokenResponse(as, rp.client, await refresh(as, rp, first.refresh_token!));
    expect((await errorOf(await refresh(as, rp, tokens.refresh_token!))).error).toBe('invalid_grant');
    expect((await errorOf(await refresh(as, rp, second.refresh_token!))).error).toBe('invalid_grant');
    expect((await oauth.userInfoRequest(as, rp.client, second.access_token, viaWorker)).status).toBe(401);
  });

  it('revokes the family when a token three rotations old is reused (RFC 9700 §4.14.2)', async () => {
    const rp = await rpClient({ token_endpoint_auth_method: 'none' });
    const { as, tokens } = await tokensFor(rp);
    let latest = tokens;
    for (let i = 0; i < 3; i++) latest = await oauth.processRefreshTokenResponse(as, rp.client, await refresh(as, rp, latest.refresh_token!));
    expect((await errorOf(await refresh(as, rp, tokens.refresh_token!))).error).toBe('invalid_grant');
    expect((await errorOf(await refresh(as, rp, latest.refresh_token!))).error).toBe('invalid_grant');
    expect((await oauth.userInfoRequest(as, rp.client, latest.access_token, viaWorker)).status).toBe(401);
  });

  it('revokes the family when an old token is reused with a scope parameter (RFC 9700 §4.14.2)', async () => {
    const rp = await rpClient({ token_endpoint_auth_method: 'none' });
    const { as, tokens } = await tokensFor(rp);
    const first = await oauth.processRefreshTokenResponse(as, rp.client, await refresh(as, rp, tokens.refresh_token!));
    const second = await oauth.processRefreshTokenResponse(as, rp.client, await refresh(as, rp, first.refresh_token!));
    expect((await errorOf(await refresh(as, rp, tokens.refresh_token!, { scope: 'openid' }))).error).toBe('invalid_grant');
    expect((await errorOf(await refresh(as, rp, second.refresh_token!))).error).toBe('invalid_grant');
  });

  it('accepts a confidential client\'s retry of its previous token 30 and 31 s after rotation under the default grace (FAPI 2.0 §5.3.2.1)', async () => {
    const rp = await rpClient();
    const { issued, tokens } = await tokensFor(rp);
    const services = getServices(testEnv);
    const grace = services.config.refreshGrace;
    const grant = services.grants.grant(issued.handle);
    const old_hash = await sha256b64(splitToken(tokens.refresh_token!)!.secret);
    const now = services.now();
    expect((await grant.rotateRefresh({ presented_hash: old_hash, next_hash: 'n1', now, grace_seconds: grace })).ok).toBe(true);
    expect((await grant.rotateRefresh({ presented_hash: old_hash, next_hash: 'n2', now: now + 30, grace_seconds: grace })).ok).toBe(true);
    expect((await grant.rotateRefresh({ presented_hash: old_hash, next_hash: 'n3', now: now + 31, grace_seconds: grace })).ok).toBe(true);
    expect(await grant.status({ now: now + 31 })).toMatchObject({ active: true });
  });

  it('refuses the previous token at exactly the default grace window and revokes the family (RFC 9700 §4.14.2)', async () => {
    const rp = await rpClient();
    const { issued, tokens } = await tokensFor(rp);
    const services = getServices(testEnv);
    const grace = services.config.refreshGrace;
    expect(grace).toBe(60);
    const grant = services.grants.grant(issued.handle);
    const old_hash = await sha256b64(splitToken(tokens.refresh_token!)!.secret);
    const now = services.now();
    expect((await grant.rotateRefresh({ presented_hash: old_hash, next_hash: 'n1', now, grace_seconds: grace })).ok).toBe(true);
    expect(await grant.rotateRefresh({ presented_hash: old_hash, next_hash: 'n2', now: now + grace, grace_seconds: grace })).toEqual({ ok: false, reason: 'reused' });
    expect(await grant.rotateRefresh({ presented_hash: 'n1', next_hash: 'n3', now: now + grace, grace_seconds: grace })).toEqual({ ok: false, reason: 'revoked' });
  });

  it('narrows the access token scope on request without narrowing the grant (RFC 6749 §6)', async () => {
    const rp = await rpClient();
    const { as, tokens } = await tokensFor(rp);
    const narrow = await oauth.processRefreshTokenResponse(as, rp.client, await refresh(as, rp, tokens.refresh_token!, { scope: 'profile' }));
    expect(narrow.scope).toBe('profile');
    expect(narrow.id_token).toBeUndefined();
    expect(decodeJwt(narrow.access_token).scope).toBe('profile');
    const full = await oauth.processRefreshTokenResponse(as, rp.client, await refresh(as, rp, narrow.refresh_token!));
    expect(full.scope).toBe('openid profile offline_access');
  });

  it('refuses widening the scope as invalid_scope without spending the token (RFC 6749 §6)', async () => {
    const rp = await rpClient({ token_endpoint_auth_method: 'none' });
    const { as, tokens } = await tokensFor(rp);
    expect(await errorOf(await refresh(as, rp, tokens.refresh_token!, { scope: 'openid email' }))).toMatchObject({ status: 400, error: 'invalid_scope' });
    expect((await refresh(as, rp, tokens.refresh_token!)).status).toBe(200);
  });

  it('issues a refresh token to an OpenID request only with offline_access (OpenID Connect Core §11)', async () => {
    const rp = await rpClient();
    const { tokens } = await tokensFor(rp, 'openid profile');
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('issues no refresh token to a client not registered for the refresh_token grant (RFC 6749 §1.5)', async () => {
    const rp = await rpClient({ grant_types: ['authorization_code'] });
    const { tokens } = await tokensFor(rp);
    expect(tokens.refresh_token).toBeUndefined();
  });

  it('refuses another client\'s refresh token and revokes its grant as stolen (RFC 6749 §6, RFC 9700 §4.14)', async () => {
    const owner = await rpClient();
    const thief = await rpClient();
    const { as, tokens } = await tokensFor(owner);
    expect(await errorOf(await refresh(as, thief, tokens.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await errorOf(await refresh(as, owner, tokens.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect((await oauth.userInfoRequest(as, owner.client, tokens.access_token, viaWorker)).status).toBe(401);
  });

  it('treats another client\'s refresh token as stolen even with a scope: refused, and the grant is revoked (RFC 9700 §4.14.2)', async () => {
    const owner = await rpClient();
    const thief = await rpClient();
    const { as, tokens } = await tokensFor(owner);
    expect(await errorOf(await refresh(as, thief, tokens.refresh_token!, { scope: 'openid' }))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await errorOf(await refresh(as, owner, tokens.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('requires refresh_token and refuses a malformed or unknown one (RFC 6749 §6, §5.2)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_post', grant_types: ['authorization_code', 'refresh_token'] });
    const missing = await call('/token', form({ grant_type: 'refresh_token', client_id: reg.client_id, client_secret: reg.client_secret! }));
    expect((await errorOf(missing)).error).toBe('invalid_request');
    const rp = await rpClient();
    const as = await discover();
    expect(await errorOf(await refresh(as, rp, 'not-a-refresh-token'))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await errorOf(await refresh(as, rp, `${'a'.repeat(43)}.${'b'.repeat(43)}`))).toMatchObject({ status: 400, error: 'invalid_grant' });
  });
});
