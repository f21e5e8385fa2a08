import { runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { Grant } from '../../src/objects/grant';
import { testEnv } from '../helpers/worker';

/**
 * The Grant object's state machine, called directly (no HTTP, no OAuth rules):
 * each transition and each refusal, with the tagged result it answers.
 */
const NOW = 1_800_000_000;
const DATA = { client_id: 'c1', sub: 's1', scope: 'openid offline_access', redirect_uri: 'https://rp.example/cb', auth_time: NOW - 5 };
const BINDINGS = { client_id: 'c1', redirect_uri: 'https://rp.example/cb', pkce: 'S256:challenge' };

function fresh(): DurableObjectStub<Grant> {
  return testEnv.GRANTS.get(testEnv.GRANTS.newUniqueId());
}

function issue(grant: DurableObjectStub<Grant>, overrides: Record<string, unknown> = {}) {
  return grant.issueCode({ code_hash: 'code-h', code_expires_at: NOW + 60, bindings: BINDINGS, data: DATA, expires_at: NOW + 120, ...overrides });
}

function redeem(grant: DurableObjectStub<Grant>, overrides: Record<string, unknown> = {}) {
  return grant.redeemCode({ code_hash: 'code-h', presented: BINDINGS, now: NOW, refresh_hash: 'r0', refresh_expires_at: NOW + 3600, expires_at: NOW + 3600, ...overrides });
}

async function active(): Promise<DurableObjectStub<Grant>> {
  const grant = fresh();
  await issue(grant);
  expect(await redeem(grant)).toEqual({ ok: true, data: DATA });
  return grant;
}

function rotate(grant: DurableObjectStub<Grant>, presented: string, next: string, now: number, grace = 0) {
  return grant.rotateRefresh({ presented_hash: presented, next_hash: next, now, grace_seconds: grace });
}

describe('Grant object: code issuance and redemption (RFC 6749 §4.1.2, §4.1.3; RFC 9126 §2.2)', () => {
  it('issues a code once; a second issuance is refused as used (request_uri consumed once)', async () => {
    const grant = fresh();
    expect(await issue(grant)).toEqual({ ok: true });
    expect(await issue(grant)).toEqual({ ok: false, reason: 'used' });
  });

  it('redeems the code once and returns the grant data', async () => {
    const grant = fresh();
    await issue(grant);
    expect(await redeem(grant)).toEqual({ ok: true, data: DATA });
    expect(await grant.status({ now: NOW })).toEqual({ active: true, data: DATA });
  });

  it('refuses an unknown code: no grant, or a different code hash', async () => {
    expect(await redeem(fresh())).toEqual({ ok: false, reason: 'unknown' });
    const grant = fresh();
    await issue(grant);
    expect(await redeem(grant, { code_hash: 'other' })).toEqual({ ok: false, reason: 'unknown' });
  });

  it('refuses an expired code at exactly its expiry', async () => {
    const grant = fresh();
    await issue(grant);
    expect(await redeem(grant, { now: NOW + 60 })).toEqual({ ok: false, reason: 'expired' });
  });

  it('refuses a mismatching binding by name and leaves the code redeemable (RFC 6749 §4.1.3, RFC 7636 §4.6)', async () => {
    const grant = fresh();
    await issue(grant);
    expect(await redeem(grant, { presented: { ...BINDINGS, pkce: 'S256:wrong' } })).toEqual({ ok: false, reason: 'mismatch', field: 'pkce' });
    expect(await redeem(grant)).toEqual({ ok: true, data: DATA });
  });

  it('answers a replayed code as replayed and revokes the grant (RFC 6749 §4.1.2)', async () => {
    const grant = await active();
    expect(await redeem(grant)).toEqual({ ok: false, reason: 'replayed' });
    expect(await grant.status({ now: NOW })).toEqual({ active: false });
    expect(await redeem(grant)).toEqual({ ok: false, reason: 'revoked' });
  });
});

describe('Grant object: refresh rotation and reuse (RFC 6749 §6, RFC 9700 §4.14.2, FAPI 2.0 §5.3.2.1)', () => {
  it('answers unknown when the grant holds no refresh token', async () => {
    const grant = fresh();
    await issue(grant);
    await redeem(grant, { refresh_hash: undefined, refresh_expires_at: undefined });
    expect(await rotate(grant, 'r0', 'r1', NOW)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('rotates the current token and refuses a token it never issued as unknown', async () => {
    const grant = await active();
    expect(await rotate(grant, 'r0', 'r1', NOW)).toEqual({ ok: true, data: DATA, refresh_expires_at: NOW + 3600 });
    expect(await rotate(grant, 'never-issued', 'x', NOW)).toEqual({ ok: false, reason: 'unknown' });
    expect(await grant.status({ now: NOW })).toMatchObject({ active: true });
  });

  it('accepts the previous token strictly inside the grace window, and not at it', async () => {
    const grant = await active();
    await rotate(grant, 'r0', 'r1', NOW, 60);
    expect(await rotate(grant, 'r0', 'r2', NOW + 59, 60)).toMatchObject({ ok: true });
    expect(await rotate(grant, 'r0', 'r3', NOW + 60, 60)).toEqual({ ok: false, reason: 'reused' });
    expect(await grant.status({ now: NOW })).toEqual({ active: false });
  });

  it('revokes the grant when the previous token comes back with no grace (public client)', async () => {
    const grant = await active();
    await rotate(grant, 'r0', 'r1', NOW);
    expect(await rotate(grant, 'r0', 'r2', NOW)).toEqual({ ok: false, reason: 'reused' });
    expect(await rotate(grant, 'r1', 'r2', NOW)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('revokes the grant when a token two rotations old comes back, even inside the grace window', async () => {
    const grant = await active();
    await rotate(grant, 'r0', 'r1', NOW, 60);
    await rotate(grant, 'r1', 'r2', NOW + 1, 60);
    expect(await rotate(grant, 'r0', 'r3', NOW + 2, 60)).toEqual({ ok: false, reason: 'reused' });
    expect(await grant.status({ now: NOW })).toEqual({ active: false });
  });

  it('forgets, rather than counts as reuse, the token a grace retry replaced', async () => {
    const grant = await active();
    await rotate(grant, 'r0', 'lost', NOW, 60);
    await rotate(grant, 'r0', 'retried', NOW + 1, 60);
    expect(await rotate(grant, 'lost', 'x', NOW + 2, 60)).toEqual({ ok: false, reason: 'unknown' });
    expect(await rotate(grant, 'retried', 'r3', NOW + 3, 60)).toMatchObject({ ok: true });
  });

  it('refuses an expired refresh token at exactly its expiry', async () => {
    const grant = await active();
    expect(await rotate(grant, 'r0', 'r1', NOW + 3600)).toEqual({ ok: false, reason: 'expired' });
  });

  it('checkRefresh tells current from previous without rotating', async () => {
    const grant = await active();
    await rotate(grant, 'r0', 'r1', NOW, 60);
    expect(await grant.checkRefresh({ presented_hash: 'r1', now: NOW })).toEqual({ ok: true, data: DATA, refresh_expires_at: NOW + 3600, current: true });
    expect(await grant.checkRefresh({ presented_hash: 'r0', now: NOW })).toMatchObject({ ok: true, current: false });
    expect(await grant.checkRefresh({ presented_hash: 'r1', now: NOW + 3600 })).toEqual({ ok: false, reason: 'expired' });
  });

  it('checkRefresh answers unknown for an older rotated token without a grace, and revokes with one', async () => {
    const grant = await active();
    await rotate(grant, 'r0', 'r1', NOW);
    await rotate(grant, 'r1', 'r2', NOW);
    expect(await grant.checkRefresh({ presented_hash: 'r0', now: NOW })).toEqual({ ok: false, reason: 'unknown' });
    expect(await grant.status({ now: NOW })).toMatchObject({ active: true });
    expect(await grant.checkRefresh({ presented_hash: 'r0', now: NOW, grace_seconds: 0 })).toEqual({ ok: false, reason: 'reused' });
    expect(await grant.checkRefresh({ presented_hash: 'r2', now: NOW })).toEqual({ ok: false, reason: 'revoked' });
  });
});

describe('Grant object: status and revocation (RFC 7009 §2.1, RFC 7662 §2.2)', () => {
  it('is inactive before redemption, after its expiry, and for a revoked access token jti', async () => {
    const grant = fresh();
    await issue(grant);
    expect(await grant.status({ now: NOW })).toEqual({ active: false });
    await redeem(grant);
    expect(await grant.status({ now: NOW + 3600 })).toEqual({ active: false });
    await grant.revokeAccessToken({ jti: 'at-1' });
    expect(await grant.status({ now: NOW, jti: 'at-1' })).toEqual({ active: false });
    expect(await grant.status({ now: NOW, jti: 'at-2' })).toEqual({ active: true, data: DATA });
  });

  it('revokes once and returns the grant data; an empty grant has nothing to revoke', async () => {
    expect(await fresh().revoke()).toEqual({ revoked: false });
    const grant = await active();
    expect(await grant.revoke()).toEqual({ revoked: true, data: DATA });
    expect(await grant.status({ now: NOW })).toEqual({ active: false });
    expect(await rotate(grant, 'r0', 'r1', NOW)).toEqual({ ok: false, reason: 'revoked' });
  });

  it('deletes everything, rotated token hashes included, when its expiry alarm fires', async () => {
    const grant = await active();
    await rotate(grant, 'r0', 'r1', NOW);
    const left = await runInDurableObject(grant, async (instance: Grant, state) => {
      const record = state.storage.kv.get<Record<string, unknown>>('grant')!;
      state.storage.kv.put('grant', { ...record, expires_at: 0 });
      expect([...state.storage.kv.list()].length).toBe(2);
      await instance.alarm();
      return [...state.storage.kv.list()].length;
    });
    expect(left).toBe(0);
  });
});

describe('Grant object: revoke with keep_offline (DESIGN.md "What logout ends")', () => {
  it('keeps an offline_access grant when asked, decided inside the object, and it stays active', async () => {
    const grant = await active();
    expect(await grant.revoke({ keep_offline: true })).toEqual({ revoked: false, data: DATA });
    expect(await grant.status({ now: NOW })).toEqual({ active: true, data: DATA });
  });

  it('revokes a grant without offline_access even with keep_offline', async () => {
    const grant = fresh();
    const data = { ...DATA, scope: 'openid profile' };
    await issue(grant, { data });
    await redeem(grant);
    expect(await grant.revoke({ keep_offline: true })).toEqual({ revoked: true, data });
    expect(await grant.status({ now: NOW })).toEqual({ active: false });
  });

  it('revokes an offline_access grant without keep_offline', async () => {
    const grant = await active();
    expect(await grant.revoke()).toEqual({ revoked: true, data: DATA });
    expect(await grant.status({ now: NOW })).toEqual({ active: false });
  });
});
