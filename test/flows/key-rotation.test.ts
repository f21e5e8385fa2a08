import { createScheduledController } from 'cloudflare:test';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { getConfig, parseConfig } from '../../src/config';
import { keySchedule } from '../../src/oauth/key-schedule';
import { DurableKeyStore, KEY_CACHE_MS } from '../../src/storage/do-keys';
import { IsolateCache } from '../../src/storage/isolate-cache';
import type { KeyRing } from '../../src/storage/ports';
import { adminRequest } from '../helpers/admin';
import { issueCode, redeem, rpClient } from '../helpers/grant';
import { appWith } from '../helpers/par';
import { discover, viaWorker } from '../helpers/rp';
import { call, testEnv } from '../helpers/worker';

/**
 * Key rotation by time, not count (issue 9 item 7; DESIGN.md "Key retirement
 * is by time, not count"; RFC 7517 §5, OpenID Connect Core §10.1.1: a key
 * set is refreshed when an unknown `kid` appears, so a signing key must be
 * published before it signs and stay published while its signatures are valid).
 */
type Jwks = { keys: { kid: string; alg: string }[] };
const ALGS = ['ES256', 'EdDSA', 'PS256', 'RS256'] as const;
const schedule = keySchedule(getConfig(testEnv), KEY_CACHE_MS / 1000);

/** A key store on its own Durable Object, with a clock the test moves and no isolate cache. */
function storeAt(clock: { t: number }, times = schedule) {
  const slot = { tenant: '', objectName: `rotation-${crypto.randomUUID()}` };
  return new DurableKeyStore(testEnv.KEYS, ALGS, times, () => clock.t, new IsolateCache<KeyRing>(0), slot);
}

const kids = (ring: KeyRing) => ring.publicKeys.map((k) => k.kid!);
const signing = (ring: KeyRing) => ring.active.ES256!.kid;

describe('the key schedule follows from the settings', () => {
  it('retention is the longest token lifetime plus the /jwks cache lifetime, clock skew and the isolate ring cache; the publish delay is the /jwks cache lifetime plus the ring cache (DESIGN.md)', () => {
    expect(keySchedule(parseConfig({}), 300)).toEqual({ publishDelay: 300 + 60 + 300, retention: 300 + 3600 + 30 + 300 + 60, interval: 90 * 86_400 });
    const longAccess = parseConfig({ ACCESS_TOKEN_LIFETIME: '7200', JWKS_MAX_AGE: '600', KEY_ROTATION_INTERVAL: '0' });
    expect(keySchedule(longAccess, 300)).toEqual({ publishDelay: 600 + 60 + 300, retention: 300 + 7200 + 30 + 600 + 60, interval: 0 });
  });

  it('refuses a KEY_ROTATION_INTERVAL under a day unless 0 (a rotation must outlast its publish delay)', () => {
    expect(() => parseConfig({ KEY_ROTATION_INTERVAL: '3600' })).toThrow(/KEY_ROTATION_INTERVAL/);
  });

  it('/jwks sends Cache-Control max-age from JWKS_MAX_AGE, the lifetime the schedule waits for (RFC 9111 §5.2.2.1)', async () => {
    expect((await call('/jwks')).headers.get('cache-control')).toBe('public, max-age=300, stale-while-revalidate=60');
    const res = await appWith({ JWKS_MAX_AGE: '120' })('/jwks');
    expect(res.headers.get('cache-control')).toBe('public, max-age=120, stale-while-revalidate=60');
  });
});

describe('phased rotation: published first, signing later (DESIGN.md)', () => {
  it('a staged key is published at once and signs only once it has been published for the publish delay', async () => {
    const clock = { t: 1_900_000_000 };
    const store = storeAt(clock);
    const first = signing(await store.ring());
    const staged = await store.rotate();
    const next = staged.staged.find((k) => k.alg === 'ES256')!;
    expect(next.signs_from).toBe(clock.t + schedule.publishDelay);
    expect(signing(staged)).toBe(first);
    expect(kids(staged)).toContain(next.kid);
    clock.t += schedule.publishDelay - 1;
    expect(signing(await store.ring())).toBe(first);
    clock.t += 1;
    const after = await store.ring();
    expect(signing(after)).toBe(next.kid);
    expect(kids(after)).toContain(first);
    expect(after.staged).toEqual([]);
  });

  it('staging again while keys are staged changes nothing (no key published without need)', async () => {
    const clock = { t: 1_900_000_000 };
    const store = storeAt(clock);
    await store.ring();
    const once = await store.rotate();
    clock.t += 10;
    const twice = await store.rotate();
    expect(kids(twice).sort()).toEqual(kids(once).sort());
    expect(twice.staged).toEqual(once.staged);
  });

  it('POST /admin/keys/rotate stages: the new keys appear at /jwks while the signing keys stay the same', async () => {
    await call('/jwks');
    const res = await adminRequest('POST', '/keys/rotate');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { active: { kid: string }[]; staged: { kid: string; alg: string; signs_from: number }[] };
    expect(body.staged.map((k) => k.alg).sort()).toEqual([...ALGS]);
    const jwks = (await (await call('/jwks')).json()) as Jwks;
    for (const k of [...body.staged, ...body.active]) expect(jwks.keys.map((j) => j.kid)).toContain(k.kid);
    for (const k of body.active) expect(body.staged.map((s) => s.kid)).not.toContain(k.kid);
  });

  it('refuses a rotate flag that is not "true" or "false" with invalid_request', async () => {
    const res = await adminRequest('POST', '/keys/rotate?immediate=yes');
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: 'invalid_request' });
  });
});

describe('retirement by time, not count (DESIGN.md)', () => {
  it('three immediate rotations in a row keep the first key published: its access token still introspects as active (RFC 7662 §2.2)', async () => {
    const rp = await rpClient();
    const as = await discover();
    const issued = await issueCode({ client_id: rp.client_id, scope: 'openid' });
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp.client, await redeem(as, rp, issued), { expectedNonce: issued.nonce });
    const kid = JSON.parse(atob(tokens.access_token.split('.')[0]!.replace(/-/g, '+').replace(/_/g, '/'))).kid as string;
    for (let i = 0; i < 3; i++) expect((await adminRequest('POST', '/keys/rotate?immediate=true')).status).toBe(200);
    const jwks = (await (await call('/jwks')).json()) as Jwks;
    expect(jwks.keys.map((k) => k.kid)).toContain(kid);
    const res = await oauth.introspectionRequest(as, rp.client, rp.auth, tokens.access_token, viaWorker);
    expect(await res.json()).toMatchObject({ active: true });
  });

  it('a retired key stays published until its retention has passed, then leaves /jwks, however many rotations came between', async () => {
    const clock = { t: 1_900_000_000 };
    const store = storeAt(clock);
    const first = signing(await store.ring());
    for (let i = 0; i < 5; i++) {
      clock.t += 1;
      await store.rotate('immediate');
    }
    expect(kids(await store.ring())).toContain(first);
    // `first` retired at the first rotation, one second after it was made.
    clock.t = 1_900_000_001 + schedule.retention - 1;
    expect(kids(await store.ring())).toContain(first);
    clock.t += 1;
    const later = await store.ring();
    expect(kids(later)).not.toContain(first);
    expect(later.publicKeys.filter((k) => k.alg === 'ES256')).toHaveLength(5);
  });

  it('?withdraw=true (a compromised key) takes the signing keys off /jwks at once', async () => {
    const clock = { t: 1_900_000_000 };
    const store = storeAt(clock);
    const first = signing(await store.ring());
    clock.t += 1;
    const ring = await store.rotate('withdraw');
    expect(signing(ring)).not.toBe(first);
    expect(kids(ring)).not.toContain(first);
  });
});

describe('scheduled rotation (cron trigger, KEY_ROTATION_INTERVAL)', () => {
  it('a tick stages the next keys only once the current ones have signed for the interval minus the publish delay, and overlapping ticks stage one set', async () => {
    const clock = { t: 1_900_000_000 };
    const times = { ...schedule, interval: 86_400 };
    const store = storeAt(clock, times);
    const first = signing(await store.ring());
    clock.t += 86_400 - times.publishDelay - 1;
    expect((await store.tick()).staged).toBe(false);
    clock.t += 1;
    const ticks = await Promise.all([store.tick(), store.tick(), store.tick()]);
    expect(ticks.filter((r) => r.staged)).toHaveLength(1);
    const next = ticks.find((r) => r.staged)!.ring.staged.find((k) => k.alg === 'ES256')!;
    expect(next.signs_from).toBe(1_900_000_000 + 86_400);
    clock.t = next.signs_from;
    expect(signing(await store.ring())).toBe(next.kid);
    expect(kids(await store.ring())).toContain(first);
    expect((await store.tick()).staged).toBe(false);
  });

  it('KEY_ROTATION_INTERVAL=0 stages nothing', async () => {
    const clock = { t: 1_900_000_000 };
    const store = storeAt(clock, { ...schedule, interval: 0 });
    await store.ring();
    clock.t += 400 * 86_400;
    expect((await store.tick()).staged).toBe(false);
  });

  it('the Worker exports a scheduled handler that runs the tick in workerd (createScheduledController) and logs it', async () => {
    const handler = (await import('../../src/index')).default;
    expect(typeof handler.scheduled).toBe('function');
    const logs: string[] = [];
    const log = console.log;
    console.log = (line: string) => logs.push(line);
    try {
      await handler.scheduled!(createScheduledController({ cron: '17 * * * *', scheduledTime: Date.now() }), testEnv);
    } finally {
      console.log = log;
    }
    const tick = logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'key_rotation_tick');
    expect(tick).toMatchObject({ cron: '17 * * * *', staged: false });
  });

});
