import type { Context } from 'hono';
import type { Env } from './env';
import type { OAuthError } from './oauth/errors';
import type { Hooks } from './oauth/hooks';
import type { Services } from './storage/services';

/** Hono's typing of this app: bindings and the per-request variables set by middleware. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    services: Services;
    hooks: Hooks;
    /** Set by routes that answer errors as HTML or redirects instead of JSON. */
    errorPage?: (error: OAuthError, c: Context<AppEnv>) => Response;
  };
}
