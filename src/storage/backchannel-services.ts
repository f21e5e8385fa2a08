import type { Config } from '../config';
import type { Env } from '../env';
import { isLocalIssuer } from '../oauth/outbound-target';
import { D1LogoutDeliveries } from './d1-logout-deliveries';
import { guardBindings } from './guard';
import type { BackchannelLogoutPorts, LogoutPostOutcome } from './logout-delivery-port';
import { outboundFetch, type OutboundPolicy } from './outbound-fetch';
import { CloudflareLogoutQueue } from './queue-logout';

/**
 * The ports of back-channel logout delivery, built with the request's
 * services. `env` is the guarded env (D1 calls time out as 503s); the queue
 * binding is guarded here the same way.
 */
export function backchannelLogoutPorts(env: Env, config: Config): BackchannelLogoutPorts {
  const { LOGOUT_QUEUE } = guardBindings(env, ['LOGOUT_QUEUE'], config.storageTimeoutMs);
  return {
    deliveries: new D1LogoutDeliveries(env.DB),
    queue: new CloudflareLogoutQueue(LOGOUT_QUEUE),
    post: (url, form) => postLogoutForm(url, form, { allowLoopback: isLocalIssuer(config.issuer), timeoutMs: ATTEMPT_TIMEOUT_MS, maxBytes: RESPONSE_CAP }),
  };
}

/** Longest wait for a relying party's answer to one POST (Back-Channel Logout §2.5 leaves it to the OP); a slow RP fails the attempt and is retried later. */
export const ATTEMPT_TIMEOUT_MS = 5000;
/** The RP's answer body is of no interest (§2.8); anything larger than this is not read. */
const RESPONSE_CAP = 4096;

async function postLogoutForm(url: string, form: string, policy: OutboundPolicy): Promise<LogoutPostOutcome> {
  const result = await outboundFetch(url, policy, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form });
  if (result.ok) return { status: result.status, error: null };
  // An RP that answered is recorded by its status alone (`HTTP 500`); anything else by what the guard saw.
  return { status: result.status ?? null, error: result.reason === 'status' ? `HTTP ${result.status}` : result.detail };
}
