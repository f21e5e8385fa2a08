import type { Grant } from './objects/grant';
import type { KeyStore } from './objects/key-store';
import type { RateLimiter } from './objects/rate-limiter';
import type { ReplayGuard } from './objects/replay-guard';
import type { Session } from './objects/session';
import type { LogoutMessage } from './storage/logout-delivery-port';

/** The Worker's bindings, as declared in wrangler.toml. Only `storage/` and `config.ts` read them. */
export interface Env {
  PAR_KV: KVNamespace;
  DB: D1Database;
  GRANTS: DurableObjectNamespace<Grant>;
  SESSIONS: DurableObjectNamespace<Session>;
  KEYS: DurableObjectNamespace<KeyStore>;
  REPLAY: DurableObjectNamespace<ReplayGuard>;
  LIMITER: DurableObjectNamespace<RateLimiter>;
  /** Back-channel logout delivery queue (producer; the Worker also consumes it and its dead-letter queue). */
  LOGOUT_QUEUE?: Queue<LogoutMessage>;
  /** Workers Rate Limiting binding for pushed requests per client (optional). */
  PAR_RATE_LIMIT?: RateLimit;
  [setting: string]: unknown;
}
