import type { AuthorizationRequest, StoredClient } from './types';

/** What a hook sees about the call it runs in. */
export interface ParHookContext {
  client: Readonly<Omit<StoredClient, 'client_secret_hash' | 'client_secret_sealed'>>;
  /** Epoch seconds. */
  now: number;
  requestId: string;
  /** The request's headers (read-only), e.g. for a tenant or a device signal. */
  headers: Headers;
}

/**
 * Deployer hooks around the PAR endpoint, modelled on Janssen's ParType script
 * (`createPar`, `modifyParResponse`) and Connect2id's PAR validator.
 *
 * - `createPar` runs after the request is fully validated and before it is
 *   stored. Return a (changed) request to store, or nothing to keep it as is;
 *   throw an `OAuthError` (e.g. `new AccessDenied('…')`) to refuse it — the
 *   error is answered as-is, nothing is stored.
 * - `modifyParResponse` may add members to the 201 JSON body. `request_uri`
 *   and `expires_in` cannot be replaced.
 */
export interface ParHooks {
  createPar?(request: AuthorizationRequest, context: ParHookContext): AuthorizationRequest | void | Promise<AuthorizationRequest | void>;
  modifyParResponse?(response: Record<string, unknown>, context: ParHookContext): Record<string, unknown> | void | Promise<Record<string, unknown> | void>;
}

export interface Hooks {
  par?: ParHooks;
}
