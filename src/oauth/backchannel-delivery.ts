import type { LogoutMessage } from '../storage/ports';
import { describeError, type BackchannelLogoutDeps } from './backchannel-logout';
import { resolveClientPolicy } from './client-policy';
import { issueLogoutToken } from './logout-token';

/** Upper bound of the backoff between attempts, in seconds. */
export const RETRY_DELAY_CAP = 600;

/** What the queue should do with a message after one attempt. */
export type AttemptOutcome = { kind: 'done' } | { kind: 'retry'; delaySeconds: number };

/** Exponential backoff: `base`, 2·base, 4·base … seconds for attempts 1, 2, 3 …, capped at RETRY_DELAY_CAP. */
export function retryDelay(attempt: number, base: number): number {
  return Math.min(base * 2 ** Math.max(0, attempt - 1), RETRY_DELAY_CAP);
}

/**
 * Back-Channel Logout §2.8: the RP answers 200 OK (or 204). Any other 2xx is
 * counted as delivered too: the RP took the request, and sending it again
 * would only repeat a logout it accepted.
 */
export function isDelivered(status: number): boolean {
  return status >= 200 && status < 300;
}

/**
 * One delivery attempt (Back-Channel Logout 1.0 §2.5): a fresh logout token
 * (new `jti`, `iat`) POSTed form-encoded to the client's current
 * `backchannel_logout_uri`. A delivery already delivered or failed is skipped,
 * so a message the queue hands over twice is not sent twice after success.
 * `attempt` is the queue's attempt count (1 on the first), for the backoff.
 */
export async function attemptLogoutDelivery(message: LogoutMessage, attempt: number, deps: BackchannelLogoutDeps): Promise<AttemptOutcome> {
  const { deliveries } = deps.backchannelLogout;
  const row = await deliveries.get(message.delivery_id);
  if (!row || row.state === 'delivered' || row.state === 'failed') return { kind: 'done' };
  const client = await deps.clients.get(message.client_id);
  const uri = client?.backchannel_logout_uri;
  if (!client || !uri) {
    await deliveries.markFailed(row.id, client ? 'the client has no backchannel_logout_uri' : 'the client is no longer registered', deps.now());
    return { kind: 'done' };
  }
  if (client.backchannel_logout_session_required && message.sid === undefined) {
    await deliveries.markFailed(row.id, 'the client requires sid (backchannel_logout_session_required) and none is known', deps.now());
    return { kind: 'done' };
  }
  let result: { status: number | null; error: string | null };
  try {
    const token = await issueLogoutToken({ client_id: client.client_id, alg: resolveClientPolicy(client, deps.config).id_token_signing_alg, sub: message.sub, sid: message.sid }, deps);
    result = await deps.backchannelLogout.post(uri, new URLSearchParams({ logout_token: token }).toString());
  } catch (error) {
    result = { status: null, error: describeError(error) };
  }
  const delivered = result.error === null;
  await deliveries.recordAttempt(row.id, { uri, delivered, status: result.status, error: result.error, at: deps.now() });
  return delivered ? { kind: 'done' } : { kind: 'retry', delaySeconds: retryDelay(attempt, deps.config.backchannelRetryDelay) };
}

/** The dead-letter queue's work: the queue gave up after its last retry, so the delivery is `failed` (its last error kept). */
export async function failLogoutDelivery(message: LogoutMessage, deps: BackchannelLogoutDeps): Promise<void> {
  await deps.backchannelLogout.deliveries.markFailed(message.delivery_id, null, deps.now());
}
