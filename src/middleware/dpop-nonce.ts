import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { dpopNonce } from '../oauth/dpop-nonce';

/**
 * With `DPOP_NONCE=true`, gives every answer to a request that carried a DPoP
 * proof the server's current nonce in `DPoP-Nonce` (RFC 9449 §8.2), so a
 * client learns the next nonce before the one it holds goes stale. A
 * `use_dpop_nonce` error has already set it. Deriving it costs an HMAC at most
 * once per nonce period per isolate, and no storage.
 */
export const dpopNonceHeader = createMiddleware<AppEnv>(async function dpopNonceHeader(c, next) {
  await next();
  const { config, now } = c.get('services');
  if (!config.dpopNonce || c.req.header('dpop') === undefined || c.res.headers.has('DPoP-Nonce')) return;
  c.res.headers.set('DPoP-Nonce', await dpopNonce(config, now()));
});
