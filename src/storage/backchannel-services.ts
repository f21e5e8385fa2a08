import type { Config } from '../config';
import type { Env } from '../env';
import { guardedLogoutFetch } from './backchannel-fetch';
import { D1LogoutDeliveries } from './d1-logout-deliveries';
import { guardBindings } from './guard';
import type { BackchannelLogoutPorts } from './logout-delivery-port';
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
    // Swap point for the shared outbound-fetch helper (storage/outbound-fetch.ts) at merge.
    fetch: guardedLogoutFetch(config.issuer),
  };
}
