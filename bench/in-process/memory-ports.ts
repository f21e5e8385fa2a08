import { Grant } from '../../src/objects/grant';
import { Session } from '../../src/objects/session';
import { GrantStore } from '../../src/storage/do-grants';
import { DurableSessionStore } from '../../src/storage/do-sessions';
import type { Services } from '../../src/storage/services';
import type { StoredClient } from '../../src/oauth/types';
import type { Consent, User } from '../../src/storage/ports';

/**
 * Storage stubbed for protocol-CPU measurement (DESIGN.md "Performance is
 * measured": protocol CPU in-process with storage stubbed). Never used by a
 * test: tests run on the real local bindings. KV and D1 ports become maps; the
 * Grant and Session Durable Objects run their real classes over an in-memory
 * `ctx.storage`, so their state machines stay in the figure while the
 * simulator's SQLite and the RPC hop do not.
 */
function memoryObjectState() {
  const kv = new Map<string, unknown>();
  return {
    storage: {
      kv: { get: (k: string) => kv.get(k), put: (k: string, v: unknown) => void kv.set(k, structuredClone(v)), delete: (k: string) => kv.delete(k) },
      setAlarm: async () => {}, getAlarm: async () => null, deleteAlarm: async () => {}, deleteAll: async () => kv.clear(),
    },
  };
}

/**
 * A Durable Object namespace whose objects are `Class`'s methods over
 * in-memory state, one per name. The platform base class refuses a state it
 * did not make, so the object is built from the prototype (Grant and Session
 * have no constructor of their own).
 */
function memoryNamespace<T extends object>(Class: { prototype: T }) {
  const objects = new Map<string, T>();
  return {
    idFromName: (name: string) => name,
    get: (name: string) => {
      let object = objects.get(name);
      if (!object) objects.set(name, (object = Object.assign(Object.create(Class.prototype) as T, { ctx: memoryObjectState(), env: {} })));
      return object;
    },
  };
}

/** Replaces the storage ports of `services` with in-memory ones; `clients` and `users` are what the flow needs. */
export function stubStorage(services: Services, clients: StoredClient[], users: User[]): void {
  const pushed = new Map<string, unknown>();
  const interactions = new Map<string, unknown>();
  const consents = new Map<string, Consent>();
  const byId = new Map(clients.map((c) => [c.client_id, c]));
  const bySub = new Map(users.map((u) => [u.sub, u]));
  const byName = new Map(users.map((u) => [u.username, u]));
  const s = services as unknown as Record<string, unknown>;
  s.pushedRequests = { put: async (h: string, v: unknown) => void pushed.set(h, structuredClone(v)), get: async (h: string) => pushed.get(h) ?? null };
  s.interactions = { put: async (h: string, v: unknown) => void interactions.set(h, structuredClone(v)), get: async (h: string) => interactions.get(h) ?? null };
  s.clients = { ...services.clients, get: async (id: string) => byId.get(id) ?? null, originUse: async () => ({ clients: [] }) };
  s.users = { ...services.users, get: async (sub: string) => bySub.get(sub) ?? null, findByUsername: async (name: string) => byName.get(name) ?? null };
  s.consents = {
    get: async (sub: string, id: string) => consents.get(`${sub} ${id}`) ?? null,
    grant: async (sub: string, id: string, granted: { scope: string; claims: readonly string[] }, now: number) => void consents.set(`${sub} ${id}`, { sub, client_id: id, scope: granted.scope, claims: granted.claims.join(' '), granted_at: now }),
    revoke: async (sub: string, id: string) => consents.delete(`${sub} ${id}`),
  };
  s.rateLimits = {
    hit: async () => ({ allowed: true, remaining: 1 }), reserve: async () => ({ allowed: true, remaining: 1 }), release: async () => {}, reset: async () => {}, count: async () => 0,
  };
  s.lifecycle = { ...services.lifecycle, recordSession: async () => {}, recordGrant: async () => {}, markSessionsEnded: async () => {} };
  s.grants = new GrantStore(memoryNamespace(Grant) as never);
  s.sessions = new DurableSessionStore(memoryNamespace(Session) as never, services.now);
}
