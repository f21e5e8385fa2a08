import { getConfig, type Config } from '../config';
import type { Env } from '../env';
import { CachedClientStore, D1ClientStore } from './d1-clients';
import { DurableKeyStore, StaticKeyStore } from './do-keys';
import { GrantStore } from './do-grants';
import { DurableRateLimits } from './do-rate-limits';
import { DurableReplayStore } from './do-replay';
import { KvPushedRequestStore } from './kv-pushed-requests';
import { D1UserStore } from './d1-users';
import { D1ConsentStore } from './d1-consents';
import { DurableSessionStore } from './do-sessions';
import { KvInteractionStore } from './kv-interactions';
import type { ClientStore, ConsentPort, GrantPort, InteractionPort, KeyStorePort, PushedRequestStore, RateLimitPort, RemoteJwksPort, ReplayStore, RequestLimitPort, SessionPort, UserStore } from './ports';
import { HttpRemoteJwks } from './remote-jwks';
import { guardBindings } from './guard';
import { BindingRequestLimit, PAR_RATE_LIMIT_PERIOD } from './binding-rate-limit';
import { backchannelLogoutPorts } from './backchannel-services';

const STORAGE_BINDINGS = ['PAR_KV', 'DB', 'GRANTS', 'SESSIONS', 'KEYS', 'REPLAY', 'LIMITER'] as const;

/** Everything a request handler needs, built once per env object (isolate). */
export interface Services {
  config: Config;
  /** Epoch seconds. */
  now: () => number;
  clients: ClientStore;
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
  backchannelLogout: ReturnType<typeof backchannelLogoutPorts>;
  env: Env;
}

const built = new WeakMap<object, Services>();

export function getServices(raw: Env): Services {
  let services = built.get(raw);
  if (services) return services;
  const config = getConfig(raw);
  const env = guardBindings(raw, STORAGE_BINDINGS, config.storageTimeoutMs);
  const now = () => Math.floor(Date.now() / 1000);
  services = {
    config,
    now,
    clients: new CachedClientStore(new D1ClientStore(env.DB), config.clientCacheTtl),
    pushedRequests: new KvPushedRequestStore(env.PAR_KV, now),
    replay: new DurableReplayStore(env.REPLAY, now),
    keys: config.signingKeys ? new StaticKeyStore(config.signingKeys, config.signingAlgs) : new DurableKeyStore(env.KEYS, config, now),
    users: new D1UserStore(env.DB, config.clientCacheTtl),
    grants: new GrantStore(env.GRANTS),
    rateLimits: new DurableRateLimits(env.LIMITER, now),
    parRateLimit: new BindingRequestLimit(raw.PAR_RATE_LIMIT, PAR_RATE_LIMIT_PERIOD),
    remoteJwks: new HttpRemoteJwks(config.clientCacheTtl),
    sessions: new DurableSessionStore(env.SESSIONS, now),
    consents: new D1ConsentStore(env.DB),
    interactions: new KvInteractionStore(env.PAR_KV, now),
    backchannelLogout: backchannelLogoutPorts(env, config),
    env,
  };
  built.set(raw, services);
  return services;
}
