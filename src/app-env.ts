import type { Env } from './env';
import type { AuthenticatedClient } from './oauth/client-auth';
import type { ResponseTarget } from './oauth/authorization-response';
import type { Hooks } from './oauth/hooks';
import type { Client } from './oauth/types';
import type { PresentedAccessToken } from './oauth/request-input';
import type { AdminActor } from './storage/ports';
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
    /** Set by `browserFacing` routes: errors are HTML pages or redirects, never JSON. */
    browserFacing?: boolean;
    /**
     * Where this request's errors may be sent as an authorization error response
     * (RFC 6749 §4.1.2.1): set as soon as a redirect_uri registered for the
     * client is known, provisionally from the raw parameters, then from the
     * validated request. Unset, every error is a page.
     */
    responseTarget?: ResponseTarget;
    /** The admin token `adminAuth` accepted (issue 13): the actor of the audit row. */
    adminActor?: AdminActor;
    /** What an admin mutation created or changed when its path does not say (a new client_id, sub, token id). */
    auditTarget?: string;
    /** The `ui_locales` of the request a page belongs to (OpenID Connect Core §3.1.2.1), once known: the pages' language. */
    uiLocales?: string;
    /** The client a page is about, once loaded (its redirect_uri not necessarily validated): the error page links back to its https `client_uri`. */
    pageClient?: Client;
  };
}
