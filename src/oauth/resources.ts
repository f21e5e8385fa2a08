import { endpoints, type Config } from '../config';
import type { ApiStore } from '../storage/ports';
import { SCOPES } from './capabilities';
import { InvalidScope, InvalidTarget } from './errors';
import { isResourceIndicator } from './resource-indicator';
import type { ResourceServer } from './resource-server';
import type { Client } from './types';

const OIDC_SCOPES = new Set(SCOPES);


/** The `resource` values of a request (RFC 8707 §2), kept space separated by the form parser; malformed ones are `invalid_target`. */
export function parseResources(value: string | undefined): string[] {
  if (value === undefined) return [];
  const values = [...new Set(value.split(' '))];
  const bad = values.find((v) => !isResourceIndicator(v));
  if (bad !== undefined) throw new InvalidTarget('resource must be an absolute URI without a fragment (RFC 8707 section 2)');
  return values;
}

/**
 * Whether the client may request this API: its registered `scope` lists one
 * of the API's scopes (DESIGN.md contract 5), or it registered no `scope` and
 * so is not limited. The registered scope is the one list of what a client
 * may ask for, APIs included.
 */
export function mayRequestApi(client: Pick<Client, 'scope' | 'authorization_details_types'>, api: ResourceServer): boolean {
  if (client.scope === undefined) return true;
  const registered = new Set(client.scope.split(' '));
  // RFC 9396 §10: a client registered for one of the API's authorization_details types may request the API for it.
  const types = client.authorization_details_types ?? [];
  return api.scopes.some((s) => registered.has(s.name)) || types.some((t) => Object.hasOwn(api.authorization_details_types ?? {}, t));
}

/** The registered, permitted APIs named by `resources`; anything else is `invalid_target` (RFC 8707 §2). */
export async function loadResources(resources: string[], client: Pick<Client, 'scope' | 'authorization_details_types'>, apis: ApiStore): Promise<ResourceServer[]> {
  const found = await Promise.all(resources.map((r) => apis.get(r)));
  return found.map((api, i) => {
    if (!api) throw new InvalidTarget(`resource "${resources[i]}" is not a registered API (RFC 8707 section 2)`);
    if (!mayRequestApi(client, api)) throw new InvalidTarget(`the client may not request resource "${api.identifier}" (RFC 8707 section 2)`);
    return api;
  });
}

/**
 * Checks the resources of an authorization request (RFC 8707 §2): each a
 * registered API this client may request, and every requested scope either
 * an OpenID Connect scope or one of those APIs' scopes; a scope of an API
 * that was not requested is `invalid_scope`, not silently dropped.
 */
export async function checkAuthorizationResources(
  request: { scope: string; resource?: string }, client: Pick<Client, 'scope' | 'authorization_details_types'>, apis: ApiStore,
): Promise<void> {
  const resources = parseResources(request.resource);
  if (resources.length === 0) return;
  const granted = await loadResources(resources, client, apis);
  const apiScopes = new Set(granted.flatMap((api) => api.scopes.map((s) => s.name)));
  const stray = request.scope.split(' ').find((s) => s !== '' && !OIDC_SCOPES.has(s) && !apiScopes.has(s));
  if (stray !== undefined) throw new InvalidScope(`scope "${stray}" belongs to none of the requested resources (RFC 8707 section 2)`);
}

/** Who an access token is for, and what of the granted scope it carries (RFC 8707 §2.2, RFC 9068 §3). */
export interface TokenAudience {
  aud: string;
  scope: string;
  /** The registered API when `aud` is one; absent for the UserInfo endpoint. */
  api?: ResourceServer;
}

/** The scope tokens of `scope` that `api` defines. */
export function apiScope(scope: string, api: ResourceServer): string {
  const own = new Set(api.scopes.map((s) => s.name));
  return scope.split(' ').filter((s) => own.has(s)).join(' ');
}

/**
 * The audience without `resource` (README "APIs and resource indicators"):
 * the configured DEFAULT_RESOURCE when the scope holds anything beyond
 * OpenID Connect scopes, else the UserInfo endpoint (RFC 9068 §3).
 */
function defaultResource(scope: string, config: Config): string | undefined {
  const beyondOidc = scope.split(' ').some((s) => s !== '' && !OIDC_SCOPES.has(s));
  return beyondOidc ? config.defaultResource : undefined;
}

/**
 * The audience of an access token issued from a grant (RFC 8707 §2.2): the
 * one `resource` the token request names, which must be among the granted
 * ones; without it the first granted resource, or the default audience. Its
 * scope is the granted scope narrowed to that API's scopes.
 */
export async function grantAudience(
  granted: { scope: string; resource?: string[] }, requested: string | undefined, deps: { apis: ApiStore; config: Config },
): Promise<TokenAudience> {
  const named = parseResources(requested);
  if (named.length > 1) throw new InvalidTarget('name one resource per token request: an access token has one audience (RFC 8707 section 2.2)');
  if (named[0] !== undefined && !granted.resource?.includes(named[0])) {
    throw new InvalidTarget(`resource "${named[0]}" was not granted in this authorization (RFC 8707 section 2.2)`);
  }
  const target = named[0] ?? granted.resource?.[0] ?? defaultResource(granted.scope, deps.config);
  if (target === undefined) return { aud: endpoints(deps.config).userinfo, scope: granted.scope };
  const api = await deps.apis.get(target);
  if (!api) throw new InvalidTarget(`resource "${target}" is no longer registered (RFC 8707 section 2)`);
  return { aud: api.identifier, scope: apiScope(granted.scope, api), api };
}

/**
 * The `exp` of an access token for `audience` issued at `now`: the API's own
 * lifetime, else ACCESS_TOKEN_LIFETIME, never past `end` (the grant's own end:
 * a token must not outlive the grant object that answers for it).
 */
export function accessTokenExpiry(audience: TokenAudience, now: number, config: Config, end = Infinity): number {
  return Math.min(now + (audience.api?.access_token_lifetime ?? config.accessTokenLifetime), end);
}

/** Whether a refresh token may carry every granted API (its `allow_refresh`). */
export async function refreshAllowed(resource: string[] | undefined, apis: ApiStore): Promise<boolean> {
  if (!resource?.length) return true;
  const found = await Promise.all(resource.map((r) => apis.get(r)));
  return found.every((api) => api === null || api.allow_refresh);
}

/** What the consent page says about the scopes of the requested APIs: each scope's registered description and its API's name. */
export async function apiScopeDescriptions(resource: string | undefined, apis: ApiStore): Promise<Record<string, { description: string; api: string }>> {
  const found = await Promise.all(parseResources(resource).map((r) => apis.get(r)));
  const words: Record<string, { description: string; api: string }> = {};
  for (const api of found) for (const s of api?.scopes ?? []) words[s.name] ??= { description: s.description, api: api!.name };
  return words;
}
