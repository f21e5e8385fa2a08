import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { randomId } from '../crypto/random';
import type { Hooks } from '../oauth/hooks';
import { getServices } from '../storage/services';
import { handleError } from './errors';

/** Gives each request an id (echoed as `X-Request-Id`), the services and the deployer hooks. */
export function requestContext(hooks: Hooks) {
  return createMiddleware<AppEnv>(async function requestContext(c, next) {
    const requestId = randomId();
    c.set('requestId', requestId);
    c.set('hooks', hooks);
    try {
      c.set('services', getServices(c.env));
    } catch (error) {
      // An invalid setting (ConfigError) fails here, before any route: answer it with the request id its log line carries.
      c.res = await handleError(error instanceof Error ? error : new Error(String(error)), c);
      c.header('X-Request-Id', requestId);
      return;
    }
    await next();
    c.header('X-Request-Id', requestId);
  });
}

/** `Cache-Control: no-store` on responses carrying tokens or request URIs (RFC 6749 §5.1, RFC 9126 §2.2). */
export const noStore = createMiddleware<AppEnv>(async function noStore(c, next) {
  await next();
  c.header('Cache-Control', 'no-store');
  c.header('Pragma', 'no-cache');
});
