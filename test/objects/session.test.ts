import { describe, expect, it } from 'vitest';
import type { Session } from '../../src/objects/session';
import { testEnv } from '../helpers/worker';

/** The Session object's transitions, called directly: start, read, note a client, end (OpenID Connect Session Management, Back-Channel Logout §2). */
const NOW = 1_800_000_000;
const START = { sub: 's1', auth_time: NOW - 5, amr: ['pwd'], acr: '1', expires_at: NOW + 3600 };

function fresh(): DurableObjectStub<Session> {
  return testEnv.SESSIONS.get(testEnv.SESSIONS.newUniqueId());
}

describe('Session object (OpenID Connect Front-/Back-Channel Logout §2 sid)', () => {
  it('is unknown before it starts, and live with no clients once started', async () => {
    const session = fresh();
    expect(await session.get({ now: NOW })).toBeNull();
    await session.start(START);
    expect(await session.get({ now: NOW })).toEqual({ ...START, clients: {}, ended: false });
  });

  it('is gone at exactly its expiry', async () => {
    const session = fresh();
    await session.start(START);
    expect(await session.get({ now: NOW + 3600 })).toBeNull();
  });

  it('records the grants each client received, keeping the last 20 per client', async () => {
    const session = fresh();
    await session.start(START);
    for (let i = 0; i < 22; i++) expect(await session.addClient({ client_id: 'c1', grant: `g${i}`, now: NOW })).toBe(true);
    await session.addClient({ client_id: 'c2', grant: 'h0', now: NOW });
    const record = await session.get({ now: NOW });
    expect(record?.clients.c1).toEqual(Array.from({ length: 20 }, (_, i) => `g${i + 2}`));
    expect(record?.clients.c2).toEqual(['h0']);
  });

  it('refuses to note a client in a session that is unknown, expired or ended', async () => {
    expect(await fresh().addClient({ client_id: 'c1', grant: 'g', now: NOW })).toBe(false);
    const session = fresh();
    await session.start(START);
    expect(await session.addClient({ client_id: 'c1', grant: 'g', now: NOW + 3600 })).toBe(false);
    await session.end();
    expect(await session.addClient({ client_id: 'c1', grant: 'g', now: NOW })).toBe(false);
  });

  it('ends once, returning what it held for logout fan-out; a second end returns nothing', async () => {
    const session = fresh();
    await session.start(START);
    await session.addClient({ client_id: 'c1', grant: 'g1', now: NOW });
    expect(await session.end()).toEqual({ ...START, clients: { c1: ['g1'] }, ended: false });
    expect(await session.get({ now: NOW })).toBeNull();
    expect(await session.end()).toBeNull();
    expect(await fresh().end()).toBeNull();
  });
});
