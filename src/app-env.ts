import type { Env } from './env';
import type { ResponseTarget } from './oauth/authorization-response';
import type { Hooks } from './oauth/hooks';
import type { Services } from './storage/services';

/** Hono's typing of this app: bindings and the per-request variables set by middleware. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    services: Services;
    hooks: Hooks;
    /** Set by `browserFacing` routes: errors are HTML pages or redirects, never JSON. */
    browserFacing?: boolean;
    /**
     * Where this request's errors may be sent as an authorization error response
     * (RFC 6749 §4.1.2.1): set as soon as a redirect_uri registered for the
     * client is known, provisionally from the raw parameters, then from the
     * validated request. Unset, every error is a page.
     */
    responseTarget?: ResponseTarget;
  };
}
