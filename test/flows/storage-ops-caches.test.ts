import { runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it, vi } from 'vitest';
import { createApp } from '../../src/app';
import type { Grant } from '../../src/objects/grant';
import type { ReplayGuard } from '../../src/objects/replay-guard';
import { verifyWithClientKeys } from '../../src/oauth/client-keys';
import type { StoredClient } from '../../src/oauth/types';
import { D1UserStore } from '../../src/storage/d1-users';
import { IsolateCache } from '../../src/storage/isolate-cache';
import type { User } from '../../src/storage/ports';
import { getServices } from '../../src/storage/services';
import { createUser, registerClient } from '../helpers/admin';
import { issueCode } from '../helpers/grant';
import { clientAssertion, clientKey } from '../helpers/jwt';
import { ADMIN_TOKEN, basic, form, ISSUER, testEnv } from '../helpers/worker';
import { errorOf } from '../helpers/errors';
import { grantStub, replayStub } from '../helpers/storage-keys';

/**
 * The isolate caches and storage shortcuts of issue 5 keep their documented
 * bounds (docs/storage.md "Isolate memory"), and the Durable Objects touch
 * their alarms only when needed.
 */
const app = createApp();
const send = (path: string, init: RequestInit = {}) => app.fetch(new Request(new URL(path, ISSUER), init), testEnv);

describe('isolate caches keep their bounds', () => {
  it('a user deleted through the admin API is no longer served by /userinfo in this isolate (OpenID Connect Core §5.3)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'] });
    const issued = await issueCode({ client_id: reg.client_id, scope: 'openid profile' });
    const init = form({ grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier });
    // Everything through one app instance, so its isolate caches are the ones under test.
    const tokenRes = await send('/token', { ...init, headers: { ...(init.headers as Record<string, string>), authorization: basic(reg.client_id, reg.client_secret!) } });
    const { access_token } = (await tokenRes.json()) as { access_token: string };
    const userinfo = () => send('/userinfo', { headers: { authorization: `Bearer ${access_token}` } });
    expect((await userinfo()).status).toBe(200); // the account is now cached
    expect((await send(`/admin/users/${issued.sub}`, { method: 'DELETE', headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(204);
    const res = await userinfo();
    expect(res.status).toBe(401);
    expect((await errorOf(res)).error).toBe('invalid_token');
  });

  it('an account deleted elsewhere is served from memory at most for the cache TTL (docs/storage.md)', async () => {
    let clock = Date.now();
    const users = new D1UserStore(testEnv.DB, new IsolateCache<User>(30_000, 1000, () => clock));
    const { sub } = await createUser();
    expect((await users.get(sub))?.sub).toBe(sub);
    await testEnv.DB.prepare('DELETE FROM users WHERE sub = ?').bind(sub).run(); // another isolate's deletion
    clock += 29_000;
    expect((await users.get(sub))?.sub).toBe(sub);
    clock += 2_000;
    expect(await users.get(sub)).toBeNull();
  });

  it('a changed registration uses its new keys at once, even under the same kid (RFC 7523 §3 item 9)', async () => {
    const services = getServices(testEnv);
    const oldKey = await clientKey('ES256');
    const newKey = { ...(await clientKey('ES256')), kid: oldKey.kid };
    newKey.publicJwk = { ...newKey.publicJwk, kid: oldKey.kid };
    const base = { client_id: 'rotating-client', token_endpoint_auth_method: 'private_key_jwt' } as StoredClient;
    const before = { ...base, jwks: { keys: [oldKey.publicJwk] } } as StoredClient;
    const after = { ...base, jwks: { keys: [newKey.publicJwk] } } as StoredClient;
    const options = { algorithms: ['ES256'], issuer: base.client_id, subject: base.client_id };
    const signedOld = await clientAssertion(base.client_id, oldKey);
    const signedNew = await clientAssertion(base.client_id, newKey);
    expect((await verifyWithClientKeys(signedOld, before, options, services.remoteJwks)).ok).toBe(true);
    expect((await verifyWithClientKeys(signedOld, before, options, services.remoteJwks)).ok).toBe(true);
    expect((await verifyWithClientKeys(signedOld, after, options, services.remoteJwks)).ok).toBe(false);
    expect((await verifyWithClientKeys(signedNew, after, options, services.remoteJwks)).ok).toBe(true);
  });
});

describe('Durable Object alarms are written only when needed', () => {
  it('Grant sets its expiry alarm once; an early alarm moves itself to the grant\'s later expiry and keeps the grant', async () => {
    const now = Math.floor(Date.now() / 1000);
    const stub = grantStub(crypto.randomUUID());
    await runInDurableObject(stub, async (grant: Grant, state) => {
      const setAlarm = vi.spyOn(state.storage, 'setAlarm');
      await grant.issueCode({ code_hash: 'h', code_expires_at: now + 60, bindings: { client_id: 'c' }, data: {}, expires_at: now + 120 });
      await grant.redeemCode({ code_hash: 'h', presented: { client_id: 'c' }, now, expires_at: now + 3600 });
      await grant.revokeAccessToken({ jti: 'j1' });
      expect(setAlarm).toHaveBeenCalledTimes(1);
      expect(await state.storage.getAlarm()).toBe((now + 120) * 1000);
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, async (grant: Grant, state) => {
      expect(await state.storage.getAlarm()).toBe((now + 3600) * 1000);
      expect(await grant.status({ now })).toMatchObject({ active: true });
    });
  });

  it('ReplayGuard reads its alarm once per instance and sets it only when none is pending (RFC 7523 §3 item 7)', async () => {
    const now = Math.floor(Date.now() / 1000);
    const stub = replayStub(`test:${crypto.randomUUID()}`);
    await runInDurableObject(stub, async (guard: ReplayGuard, state) => {
      const getAlarm = vi.spyOn(state.storage, 'getAlarm');
      const setAlarm = vi.spyOn(state.storage, 'setAlarm');
      expect(await guard.claim('a', now + 60, now)).toBe(true);
      expect(await guard.claim('b', now + 90, now)).toBe(true);
      expect(await guard.claim('a', now + 60, now)).toBe(false);
      expect(getAlarm).toHaveBeenCalledTimes(1);
      expect(setAlarm).toHaveBeenCalledTimes(1);
      expect(setAlarm).toHaveBeenCalledWith((now + 120) * 1000);
    });
  });
});
