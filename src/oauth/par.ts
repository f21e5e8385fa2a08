import type { Config } from '../config';
import { randomToken } from '../crypto/random';
import type { PushedRequestStore } from '../storage/ports';
import type { ApiStore, KeyStorePort, RemoteJwksPort, ReplayStore } from '../storage/ports';
import { validateAuthorizationRequest } from './authorization-request';
import { verifyDpopProof } from './dpop';
import { InvalidRequest, InvalidRequestObject } from './errors';
import type { ParHookContext, ParHooks } from './hooks';
import { resolveAuthorizationDetails } from './detail-resolution';
import { verifyRequestObject } from './request-object';
import { checkAuthorizationResources } from './resources';
import type { ClientRequest } from './request-input';
import type { AuthorizationRequest, StoredClient } from './types';

export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';

/** Parameters that authenticate the client and are never part of the authorization request. */
const AUTH_PARAMS = ['client_assertion', 'client_assertion_type', 'client_secret'];

/**
 * An authorization request as parameters again (numbers as strings, absent
 * members left out). Its redirect_uri counts as sent, so the token request
 * must repeat it (RFC 6749 §4.1.3).
 */
function asParams(request: AuthorizationRequest): Map<string, string> {
  const params = new Map<string, string>();
  for (const [name, value] of Object.entries(request)) if (value !== undefined && name !== 'redirect_uri_defaulted') params.set(name, String(value));
  return params;
}

export interface ParDeps {
  config: Config;
  pushedRequests: PushedRequestStore;
  remoteJwks: RemoteJwksPort;
  /** Our own keys: `use: "enc"` ones open encrypted request objects (RFC 9101 §6.1). */
  keys: KeyStorePort;
  apis: ApiStore;
  replay: ReplayStore;
  hooks: ParHooks;
  now: () => number;
  requestId: string;
}

export interface ParResult {
  body: Record<string, unknown>;
  handle: string;
}

/** What the deployer's PAR hooks see: the request's id and headers, and the client without its secrets. */
function parHookContext(client: StoredClient, headers: Headers, requestId: string, now: number): ParHookContext {
  const { client_secret_hash: _h, client_secret_sealed: _s, ...publicClient } = client;
  return { requestId, headers, client: publicClient, now };
}

/**
 * Handles a pushed authorization request for an authenticated client
 * (RFC 9126 §2): validates it fully, lets the deployer's hooks inspect it,
 * stores it under a fresh handle and answers with its request_uri.
 */
export async function pushAuthorizationRequest(request: ClientRequest, deps: ParDeps): Promise<ParResult> {
  const { client, form, policy } = request;
  const { config } = deps;
  const now = deps.now();
  if (form.has('request_uri')) throw new InvalidRequest('request_uri must not be sent to the PAR endpoint (RFC 9126 §2.1)');
  let params = new Map(form);
  for (const name of AUTH_PARAMS) params.delete(name);
  let lifetime = policy.request_uri_lifetime;

  const requestObject = form.get('request');
  if (requestObject !== undefined) {
    const verified = await verifyRequestObject(requestObject, client, config, now, deps);
    // RFC 9126 §3: only the request object's parameters are used.
    params = verified.params;
    lifetime = Math.min(lifetime, verified.exp - now);
    if (lifetime <= 0) throw new InvalidRequestObject('the request object expires too soon (RFC 9101 §6.2)');
  } else if (policy.signed_request_object_required) {
    throw new InvalidRequest('this client must push a signed request object, not plain parameters (RFC 9101 §10.5, FAPI 2.0 Message Signing §5.3.2)');
  } else if (form.get('client_id') !== undefined && form.get('client_id') !== client.client_id) {
    throw new InvalidRequest('client_id does not match the authenticated client');
  }

  // FAPI 2.0 Security Profile §5.3.2.2: the redirect_uri is required in the pushed request, never defaulted.
  if (policy.redirect_uri_required && !params.has('redirect_uri')) throw new InvalidRequest('redirect_uri is required in a pushed authorization request (FAPI 2.0 Security Profile §5.3.2.2)');
  let validated = validateAuthorizationRequest(params, client, config);
  // Built only when a deployer hook is installed: the common path copies no client record.
  let hookContext: ParHookContext | undefined;
  const hookContextOf = () => (hookContext ??= parHookContext(client, request.headers, deps.requestId, now));
  if (deps.hooks.createPar) {
    const changed = await deps.hooks.createPar(validated, hookContextOf());
    // What a hook returns is validated again like the pushed request: a hook cannot store an unregistered redirect_uri.
    if (changed) validated = validateAuthorizationRequest(asParams({ ...changed, client_id: client.client_id }), client, config);
  }

  // RFC 9449 §10.1: a DPoP proof at PAR binds the code to its key, as dpop_jkt does; both must then agree.
  const proof = await verifyDpopProof(request, { at: 'authorization_server', nonce_required: request.policy.dpop_nonce_required }, deps);
  if (proof && validated.dpop_jkt !== undefined && validated.dpop_jkt !== proof.jkt) {
    throw new InvalidRequest('dpop_jkt does not match the key of the DPoP proof (RFC 9449 §10.1)');
  }
  if (proof) validated = { ...validated, dpop_jkt: proof.jkt };
  validated = await resolveAuthorizationDetails(validated, client, deps.apis);
  await checkAuthorizationResources(validated, client, deps.apis);
  const handle = randomToken(32);
  await deps.pushedRequests.put(handle, { client_id: client.client_id, request: validated, expires_at: now + lifetime }, lifetime);
  let body: Record<string, unknown> = { request_uri: REQUEST_URI_PREFIX + handle, expires_in: lifetime };
  if (deps.hooks.modifyParResponse) {
    const extra = await deps.hooks.modifyParResponse({ ...body }, hookContextOf());
    if (extra) body = { ...extra, request_uri: body.request_uri, expires_in: body.expires_in };
  }
  return { body, handle };
}

