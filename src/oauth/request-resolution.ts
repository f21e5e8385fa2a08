import type { Config } from '../config';
import { randomToken } from '../crypto/random';
import type { ApiStore, ClientStore, KeyStorePort, PushedRequestStore, RemoteJwksPort, ResolvedRequest } from '../storage/ports';
import { MAX_PARAM, validateAuthorizationRequest } from './authorization-request';
import type { ResponseTarget } from './authorization-response';
import { resolveClientPolicy } from './client-policy';
import { InvalidRequest, InvalidRequestUri } from './errors';
import { REQUEST_URI_PREFIX } from './par';
import { matchesRedirectUri } from './redirect-uri';
import { resolveAuthorizationDetails } from './detail-resolution';
import { verifyRequestObject } from './request-object';
import { checkAuthorizationResources } from './resources';
import { RESPONSE_MODES, type Client, type ResponseMode, type StoredClient } from './types';

/**
 * Resolving the request that arrives at /authorize, in the order its response
 * target becomes known: the client, the raw parameters (a provisional target),
 * a signed request object's parameters, then the validated request. Each
 * stage is its own call so the caller can record the target in between.
 */

/** The ports and settings resolution reads: clients, pushed requests (RFC 9126), request object keys (RFC 9101). */
export interface ResolutionDeps {
  config: Config;
  clients: ClientStore;
  pushedRequests: PushedRequestStore;
  remoteJwks: RemoteJwksPort;
  /** Our own keys: `use: "enc"` ones open encrypted request objects (RFC 9101 §6.1). */
  keys: KeyStorePort;
  apis: ApiStore;
  now: () => number;
}

/** One message for unknown, expired and foreign request_uris: no oracle for which it was (RFC 9126 §4, §7.1). */
const BAD_REQUEST_URI = 'the request_uri is invalid, expired or was issued to another client';

/**
 * The client named by `client_id` (RFC 6749 §4.1.1). Failures here are shown
 * to the user, never redirected (RFC 6749 §4.1.2.1).
 */
export async function loadAuthorizeClient(params: Map<string, string>, clients: ClientStore): Promise<StoredClient> {
  const client_id = params.get('client_id');
  if (client_id === undefined) throw new InvalidRequest('client_id is missing');
  const client = await clients.get(client_id);
  if (!client) throw new InvalidRequest('the client_id is not known here');
  if (!client.response_types.includes('code') || client.redirect_uris.length === 0) {
    throw new InvalidRequest('the client is not registered for the authorization code flow');
  }
  return client;
}

/**
 * Where errors of a plain request may be sent before it is fully validated:
 * only to a redirect_uri registered for the client, matched exactly (RFC 6749
 * §4.1.2.1, RFC 9700 §4.1.3). Never for request_uri requests, whose other
 * parameters are ignored (RFC 9126 §4).
 */
export function provisionalTarget(params: Map<string, string>, client: Client): ResponseTarget | undefined {
  if (params.has('request_uri')) return undefined;
  const given = params.get('redirect_uri');
  const redirect_uri = given ?? (client.redirect_uris.length === 1 ? client.redirect_uris[0] : undefined);
  if (redirect_uri === undefined || !matchesRedirectUri(client.redirect_uris, redirect_uri, client.application_type)) return undefined;
  // A state too long to be valid cannot be echoed back (RFC 6749 §4.1.2.1 requires it verbatim) without
  // an oversized Location header: such a request gets the error page instead.
  if ((params.get('state')?.length ?? 0) > MAX_PARAM) return undefined;
  const mode = params.get('response_mode');
  const response_mode = (RESPONSE_MODES as readonly string[]).includes(mode ?? '') ? (mode as ResponseMode) : undefined;
  return { client, redirect_uri, response_mode, state: params.get('state') };
}

/** The response target of a resolved request: its validated redirect_uri, response mode and state. */
export function targetOf(resolved: Pick<ResolvedRequest, 'request'>, client: Client): ResponseTarget {
  const { request } = resolved;
  return { client, redirect_uri: request.redirect_uri, response_mode: request.response_mode, state: request.state };
}

/**
 * A pushed request by its request_uri (RFC 9126 §4): issued by this server's
 * PAR endpoint, unexpired, and pushed by this client. Other parameters of the
 * front-channel request are ignored, except `request`: the two are mutually
 * exclusive (RFC 9101 §5, OpenID Connect Core §6), and one of them would be
 * silently dropped.
 */
export async function loadPushedRequest(params: Map<string, string>, client: StoredClient, deps: ResolutionDeps): Promise<ResolvedRequest> {
  const requestUri = params.get('request_uri') ?? '';
  if (params.has('request')) throw new InvalidRequest('request and request_uri must not be sent together (RFC 9101 §5)');
  if (!deps.config.parEnabled || !requestUri.startsWith(REQUEST_URI_PREFIX)) {
    throw new InvalidRequestUri('only request_uri values issued by this server\'s PAR endpoint are accepted (RFC 9126 §4)');
  }
  const handle = requestUri.slice(REQUEST_URI_PREFIX.length);
  const pushed = /^[A-Za-z0-9_-]{43}$/.test(handle) ? await deps.pushedRequests.get(handle) : null;
  // RFC 9126 §4: the request_uri is bound to the client that pushed it.
  if (!pushed || pushed.client_id !== client.client_id || pushed.request.client_id !== client.client_id) {
    throw new InvalidRequestUri(BAD_REQUEST_URI);
  }
  return { client_id: client.client_id, request: pushed.request, handle, par: true };
}

/**
 * The parameters a request without request_uri stands for, unless the client's
 * policy requires PAR (RFC 9126 §5, §6; FAPI 2.0 §5.3.2.2): a signed request
 * object's own parameters (RFC 9101 §5: only those are used), else the plain
 * ones, unless the policy requires a signed request object (RFC 9101 §10.5).
 */
export async function requestParameters(params: Map<string, string>, client: StoredClient, deps: ResolutionDeps): Promise<Map<string, string>> {
  const policy = resolveClientPolicy(client, deps.config);
  if (policy.par_required) {
    throw new InvalidRequest('this client must push its authorization request to the PAR endpoint first (RFC 9126 §5)');
  }
  const requestObject = params.get('request');
  if (requestObject === undefined) {
    if (policy.signed_request_object_required) throw new InvalidRequest('this client must send a signed request object, not plain parameters (RFC 9101 §10.5)');
    return params;
  }
  return (await verifyRequestObject(requestObject, client, deps.config, deps.now(), deps)).params;
}

/** Validates a front-channel request as at the PAR endpoint; its code gets a fresh grant handle. */
export async function resolvePlainRequest(params: Map<string, string>, client: StoredClient, deps: ResolutionDeps): Promise<ResolvedRequest> {
  const request = await resolveAuthorizationDetails(validateAuthorizationRequest(params, client, deps.config), client, deps.apis);
  await checkAuthorizationResources(request, client, deps.apis);
  return { client_id: client.client_id, request, handle: randomToken(32), par: false };
}
