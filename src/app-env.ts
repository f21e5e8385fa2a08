import type { Context } from 'hono';
import type { Env } from './env';
import type { AuthenticatedClient } from './oauth/client-auth';
import type { OAuthError } from './oauth/errors';
import type { Hooks } from './oauth/hooks';
import type { PresentedAccessToken } from './oauth/request-input';
import type { Services } from './storage/services';

/** Hono's typing of this app: bindings and the per-request variables set by middleware. */
export interface AppEnv {
  Bindings: Env;
  Variables: {
    requestId: string;
    services: Services;
    hooks: Hooks;
    /** The parsed form body, set by the middleware that read it (`clientAuth`, `accessTokenAuth`). */
    form?: Map<string, string>;
    /** The client `clientAuth` authenticated, with its policy for this request. */
    client: AuthenticatedClient;
    /** The access token `accessTokenAuth` read. */
    accessToken: PresentedAccessToken;
    /** Set by routes that answer errors as HTML or redirects instead of JSON. */
    errorPage?: (error: OAuthError, c: Context<AppEnv>) => Response;
  };
}
