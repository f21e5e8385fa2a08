/**
 * Ports of Back-Channel Logout delivery (OpenID Connect Back-Channel Logout
 * 1.0 §2.5–§2.8): the delivery record operators read, the queue that carries
 * delivery work, and the outbound HTTP call to a relying party. Re-exported
 * from `ports.ts`, so `oauth/` sees them as port types only.
 */

/** Where a delivery stands: `retrying` after a failed attempt, `failed` once the queue gave up (dead-letter queue). */
export type LogoutDeliveryState = 'pending' | 'delivered' | 'retrying' | 'failed';

/** One logout token delivery to one client for one logout (D1 `logout_deliveries`). */
export interface LogoutDelivery {
  id: string;
  client_id: string;
  sid: string | null;
  sub: string;
  /** The `backchannel_logout_uri` of the last attempt (or at enqueue time before any). */
  uri: string;
  state: LogoutDeliveryState;
  attempts: number;
  last_error: string | null;
  /** HTTP status of the last attempt's response, null when none came back. */
  last_status: number | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

/**
 * A queue message: identifiers only, never a token. Each attempt builds a
 * fresh logout token (new `jti`, `iat`) from these (Back-Channel Logout §2.4).
 */
export interface LogoutMessage {
  delivery_id: string;
  client_id: string;
  sub: string;
  sid?: string;
}

/** The outcome of one attempt, written in one statement. */
export interface LogoutAttempt {
  uri: string;
  delivered: boolean;
  status: number | null;
  error: string | null;
  at: number;
}

export interface LogoutDeliveryPort {
  /** Records new deliveries in one round trip. */
  create(deliveries: LogoutDelivery[]): Promise<void>;
  get(id: string): Promise<LogoutDelivery | null>;
  /** Newest first; `before` is the `next` cursor of the previous page. */
  list(filter: { sid?: string; client_id?: string }, page: { limit: number; before?: string }): Promise<{ deliveries: LogoutDelivery[]; next?: string }>;
  /** Counts an attempt and sets `delivered` or `retrying`; false when the delivery is no longer open (delivered or failed). */
  recordAttempt(id: string, attempt: LogoutAttempt): Promise<boolean>;
  /** Marks a delivery `failed` unless it was delivered; false when it was. A null `error` keeps the last attempt's. */
  markFailed(id: string, error: string | null, at: number): Promise<boolean>;
  /** `failed` → `pending` in one statement, for a re-enqueue; false when it was not failed. */
  reopen(id: string, at: number): Promise<boolean>;
}

/** The delivery queue (a Cloudflare Queue in production and under Miniflare). */
export interface LogoutQueuePort {
  enqueue(messages: LogoutMessage[]): Promise<void>;
}

/** What one POST to a relying party came to: its HTTP status when it answered, and why it did not count. */
export interface LogoutPostOutcome {
  status: number | null;
  /** Null when the RP accepted (2xx, Back-Channel Logout §2.8). */
  error: string | null;
}

/**
 * POSTs a form body to `url` through the one guarded outbound helper
 * (DESIGN.md "outbound fetches": https only, loopback only for a local issuer,
 * no private or metadata addresses, no redirects, a timeout, a size cap).
 * Never rejects: a refused target, a timeout or an error status is an outcome.
 */
export type LogoutPoster = (url: string, form: string) => Promise<LogoutPostOutcome>;

/** What the back-channel logout module needs from storage and the network. */
export interface BackchannelLogoutPorts {
  deliveries: LogoutDeliveryPort;
  queue: LogoutQueuePort;
  post: LogoutPoster;
}
