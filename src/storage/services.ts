import { ENCRYPTION_KEY_ALGS, getConfig, type Config } from '../config';
import type { Env } from '../env';
import { CachedClientStore, D1ClientStore } from './d1-clients';
import { CachedApiStore, D1ApiStore } from './d1-apis';
import type { ResourceServer } from '../oauth/resource-server';
import type { ApiStore } from './api-port';
import { DurableKeyStore, KEY_CACHE_MS, StaticKeyStore } from './do-keys';
import { IsolateCache } from './isolate-cache';
import type { StoredClient } from '../oauth/types';
import { GrantStore } from './do-grants';
import { DurableRateLimits } from './do-rate-limits';
import { DurableReplayStore } from './do-replay';
import { KvPushedRequestStore } from './kv-pushed-requests';
import { D1UserStore } from './d1-users';
import { D1ConsentStore } from './d1-consents';
import { DurableSessionStore } from './do-sessions';
import { KvInteractionStore } from './kv-interactions';
import { D1LifecycleIndex } from './d1-lifecycle-index';
import { D1AdminAudit, D1AdminTokens, D1PasswordResets } from './d1-admin';
import type { AdminAuditPort, AdminTokenPort, PasswordResetPort } from './admin-ports';
import type { ClientStore, ConsentPort, OriginUse, GrantPort, InteractionPort, KeyRing, LifecycleIndexPort, KeyStorePort, PushedRequestStore, RateLimitPort, RemoteJwksPort, ReplayStore, RequestLimitPort, SessionPort, User, UserStore } from './ports';
import { HttpRemoteJwks } from './remote-jwks';
import { isLocalIssuer } from '../oauth/outbound-target';
import { keySchedule } from '../oauth/key-schedule';
import { guardBindings } from './guard';
import { BindingRequestLimit, PAR_RATE_LIMIT_PERIOD } from './binding-rate-limit';
import { backchannelLogoutPorts } from './backchannel-services';

/**
 * The tenant slot of every isolate-cache key and the key store's object name.
 * One tenant today; an issuer alias or `Tenant-ID` header fills these later.
 */
const DEFAULT_TENANT = { tenant: '', objectName: 'primary' } as const;
/** Entries per isolate cache before the oldest is pushed out. */
const CACHE_ENTRIES = 1000;

const STORAGE_BINDINGS = ['PAR_KV', 'DB', 'GRANTS', 'SESSIONS', 'KEYS', 'REPLAY', 'LIMITER'] as const;

/**
 * Everything a request handler needs, built once per env object (isolate).
 * The isolate caches (registrations, users, key ring) belong to these
 * services, never to a module, so a new env (a test, later a tenant) starts
 * with its own.
 */
export interface Services {
  config: Config;
  /** Epoch seconds. */
  now: () => number;
  clients: ClientStore;
  /** Registered APIs (RFC 8707 resource servers), cached like client registrations. */
  apis: ApiStore;
  pushedRequests: PushedRequestStore;
  replay: ReplayStore;
  keys: KeyStorePort;
  users: UserStore;
  grants: GrantPort;
  rateLimits: RateLimitPort;
  parRateLimit: RequestLimitPort;
  remoteJwks: RemoteJwksPort;
  sessions: SessionPort;
  consents: ConsentPort;
  interactions: InteractionPort;
  /** client_id + source address → epoch second until which this isolate answers client authentication with 429. */
  clientAuthBlocks: IsolateCache<number>;
  backchannelLogout: ReturnType<typeof backchannelLogoutPorts>;
  lifecycle: LifecycleIndexPort;
  /** Named admin tokens, never cached: a revoked token fails on its next request. */
  adminTokens: AdminTokenPort;
  adminAudit: AdminAuditPort;
  passwordResets: PasswordResetPort;
}

const built = new WeakMap<object, Services>();

export function getServices(raw: Env): Services {
  let services = built.get(raw);
  if (services) return services;
  const config = getConfig(raw);
  const env = guardBindings(raw, STORAGE_BINDINGS, config.storageTimeoutMs);
  const now = () => Math.floor(Date.now() / 1000);
  const { tenant } = DEFAULT_TENANT;
  const cacheMs = config.clientCacheTtl * 1000;
  services = {
    config,
    now,
    clients: new CachedClientStore(new D1ClientStore(env.DB), new IsolateCache<StoredClient | null>(cacheMs, CACHE_ENTRIES), tenant, new IsolateCache<OriginUse>(cacheMs, CACHE_ENTRIES)),
    apis: new CachedApiStore(new D1ApiStore(env.DB), new IsolateCache<ResourceServer | null>(cacheMs, CACHE_ENTRIES), tenant, new IsolateCache<string[]>(cacheMs, CACHE_ENTRIES)),
    pushedRequests: new KvPushedRequestStore(env.PAR_KV, now),
    replay: new DurableReplayStore(env.REPLAY, now),
    keys: config.signingKeys ? new StaticKeyStore(config.signingKeys, config.signingAlgs) : new DurableKeyStore(env.KEYS, [...config.signingAlgs, ...ENCRYPTION_KEY_ALGS], keySchedule(config, KEY_CACHE_MS / 1000), now, new IsolateCache<KeyRing>(KEY_CACHE_MS, CACHE_ENTRIES), DEFAULT_TENANT),
    users: new D1UserStore(env.DB, new IsolateCache<User>(cacheMs, CACHE_ENTRIES), tenant),
    grants: new GrantStore(env.GRANTS),
    rateLimits: new DurableRateLimits(env.LIMITER, now),
    parRateLimit: new BindingRequestLimit(raw.PAR_RATE_LIMIT, PAR_RATE_LIMIT_PERIOD),
    remoteJwks: new HttpRemoteJwks({ ttlSeconds: config.clientCacheTtl, allowLoopback: isLocalIssuer(config.issuer) }),
    sessions: new DurableSessionStore(env.SESSIONS, now),
    consents: new D1ConsentStore(env.DB),
    interactions: new KvInteractionStore(env.PAR_KV, now),
    clientAuthBlocks: new IsolateCache<number>(config.limits.clientAuthFailures.windowSeconds * 1000, 10_000),
    backchannelLogout: backchannelLogoutPorts(env, config),
    lifecycle: new D1LifecycleIndex(env.DB),
    adminTokens: new D1AdminTokens(env.DB),
    adminAudit: new D1AdminAudit(env.DB),
    passwordResets: new D1PasswordResets(env.DB),
  };
  built.set(raw, services);
  return services;
}
