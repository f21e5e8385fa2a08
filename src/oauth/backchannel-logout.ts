import type { Config } from '../config';
import { randomToken } from '../crypto/random';
import type { BackchannelLogoutPorts, ClientStore, KeyStorePort, LogoutDelivery, LogoutMessage } from '../storage/ports';
import { NotFound, OAuthError } from './errors';

/** What the back-channel logout module needs; `Services` provides all of it. */
export interface BackchannelLogoutDeps {
  config: Config;
  now: () => number;
  clients: Pick<ClientStore, 'get'>;
  keys: KeyStorePort;
  backchannelLogout: BackchannelLogoutPorts;
}

export interface BackchannelLogoutInput {
  sub: string;
  /** The session ended; sent as `sid` (required for clients with `backchannel_logout_session_required`). */
  sid?: string;
  /** The clients to notify, e.g. those given tokens in the session. */
  clients: string[];
}

function newDelivery(input: BackchannelLogoutInput, client_id: string, uri: string, now: number): LogoutDelivery {
  return {
    id: randomToken(16), client_id, sid: input.sid ?? null, sub: input.sub, uri, state: 'pending', attempts: 0,
    last_error: null, last_status: null, created_at: now, updated_at: now, delivered_at: null,
  };
}

/**
 * The one entry point of Back-Channel Logout delivery (OpenID Connect
 * Back-Channel Logout 1.0 §2.5, §2.7): for each client with a
 * `backchannel_logout_uri`, records a delivery and enqueues it. Returns the
 * delivery ids at once: no relying party is contacted here, so a slow or dead
 * one never delays the user's logout. A client that requires `sid` (§2.2) when
 * no sid is known gets a delivery recorded as `failed`, visible to operators,
 * and so do deliveries the queue refused. Throws only when D1 cannot record
 * the deliveries (a storage outage: `temporarily_unavailable`).
 */
export async function notifyBackchannelLogout(input: BackchannelLogoutInput, deps: BackchannelLogoutDeps): Promise<string[]> {
  const now = deps.now();
  const { deliveries, queue } = deps.backchannelLogout;
  const rows: LogoutDelivery[] = [];
  const clients = await Promise.all([...new Set(input.clients)].map((client_id) => deps.clients.get(client_id)));
  for (const client of clients) {
    if (!client?.backchannel_logout_uri) continue;
    const row = newDelivery(input, client.client_id, client.backchannel_logout_uri, now);
    if (client.backchannel_logout_session_required && input.sid === undefined) {
      Object.assign(row, { state: 'failed', last_error: 'the client requires sid (backchannel_logout_session_required) and none is known' });
    }
    rows.push(row);
  }
  if (rows.length === 0) return [];
  await deliveries.create(rows);
  const open = rows.filter((r) => r.state === 'pending');
  if (open.length) {
    try {
      await queue.enqueue(open.map(messageOf));
    } catch (error) {
      // The logout itself goes on; the operator sees these as failed and can retry them.
      const reason = `could not enqueue: ${describeError(error)}`;
      await Promise.all(open.map((r) => deliveries.markFailed(r.id, reason, now)));
    }
  }
  return rows.map((r) => r.id);
}

export function messageOf(row: Pick<LogoutDelivery, 'id' | 'client_id' | 'sub' | 'sid'>): LogoutMessage {
  return { delivery_id: row.id, client_id: row.client_id, sub: row.sub, ...(row.sid !== null && { sid: row.sid }) };
}

/** A short, secret-free description of a failed attempt for `last_error`. */
export function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.name === 'Error' ? '' : `${error.name}: `}${error.message}`.slice(0, 200);
  return String(error).slice(0, 200);
}

/**
 * Re-enqueues a delivery the queue gave up on (admin API). Reopening is one
 * conditional statement, so two concurrent retries enqueue once; 409 unless
 * the delivery is `failed`.
 */
export async function retryLogoutDelivery(id: string, deps: BackchannelLogoutDeps): Promise<LogoutDelivery> {
  const { deliveries, queue } = deps.backchannelLogout;
  if (!(await deliveries.reopen(id, deps.now()))) {
    const row = await deliveries.get(id);
    if (!row) throw new NotFound(`no logout delivery "${id}"`);
    throw new OAuthError('invalid_request', `the delivery is ${row.state}; only a failed delivery can be retried`, 409);
  }
  const row = (await deliveries.get(id))!;
  await queue.enqueue([messageOf(row)]);
  return row;
}
