import { sha256b64 } from '../crypto/hash';
import type { ApiStore, GrantPort } from '../storage/ports';
import { verifyAccessToken, type AccessTokenClaims, type AccessTokenDeps } from './access-token';
import { InvalidClient, InvalidRequest } from './errors';
import { splitToken } from './grant-data';
import type { ClientRequest } from './request-input';
import { sameRegistration } from './registration-instance';
import { API_CLIENT_PREFIX } from './resource-server';
import { tokenTypeOf } from './token-type';
import { isPublicClient, type StoredClient } from './types';

export interface IntrospectionDeps extends AccessTokenDeps {
  grants: GrantPort;
  apis: ApiStore;
}

/** RFC 7662 §2.2: an inactive token is answered with this and nothing else. */
const INACTIVE = { active: false } as const;

/**
 * Introspects a token for an authenticated, confidential caller (RFC 7662 §2).
 * Visibility rule: a registered API (authenticating with the credentials it
 * got at registration) sees only access tokens whose `aud` is its identifier
 * (RFC 8707 §2, RFC 9068 §4); any other caller sees a token issued to itself
 * (`client_id`) or addressed to it (`aud` includes its client_id); refresh
 * tokens only by the client they were issued to. Everything else, like anything expired, revoked or unknown, is
 * `{"active": false}` (§2.2), so the answer reveals nothing (§4).
 */
export async function introspectToken(request: ClientRequest, deps: IntrospectionDeps): Promise<Record<string, unknown>> {
  const { client, form } = request;
  if (isPublicClient(client)) throw new InvalidClient('the introspection endpoint needs an authenticated client (RFC 7662 section 2.1)');
  const token = form.get('token');
  if (token === undefined) throw new InvalidRequest('token is required (RFC 7662 section 2.1)');
  const parts = splitToken(token);
  return parts ? introspectRefreshToken(client, parts, deps) : introspectAccessToken(client, token, deps);
}

/** Whether `client` may see an access token with these claims (the visibility rule above). */
async function mayIntrospect(client: StoredClient, claims: AccessTokenClaims, apis: ApiStore): Promise<boolean> {
  // Only introspection clients made with an API have this prefix, so other callers cost no lookup; the lookup decides.
  const api = client.client_id.startsWith(API_CLIENT_PREFIX) ? await apis.getByClientId(client.client_id) : null;
  if (api) return claims.aud === api.identifier;
  const audiences: unknown[] = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  return claims.client_id === client.client_id || audiences.includes(client.client_id);
}

async function introspectAccessToken(client: StoredClient, token: string, deps: IntrospectionDeps): Promise<Record<string, unknown>> {
  const verified = await verifyAccessToken(token, deps, null);
  if (!verified.ok) return INACTIVE;
  const { claims } = verified;
  if (!(await mayIntrospect(client, claims, deps.apis))) return INACTIVE;
  if (claims.grant) {
    const status = await deps.grants.grant(claims.grant).status({ now: deps.now(), jti: claims.jti });
    if (!status.active) return INACTIVE;
    // The owner asking about a grant of an earlier registration of its client_id: not its token.
    if (status.data.client_id === client.client_id && !sameRegistration(status.data, client)) return INACTIVE;
  }
  const { grant: _grant, ...visible } = claims;
  return { active: true, token_type: tokenTypeOf(claims), ...visible };
}

async function introspectRefreshToken(client: StoredClient, parts: { handle: string; secret: string }, deps: IntrospectionDeps): Promise<Record<string, unknown>> {
  const check = await deps.grants.grant(parts.handle).checkRefresh({ presented_hash: await sha256b64(parts.secret), now: deps.now() });
  // A rotated-out token (kept only for the confidential grace retry) is no longer the live one.
  if (!check.ok || !check.current) return INACTIVE;
  const data = check.data;
  if (!sameRegistration(data, client)) return INACTIVE;
  const body: Record<string, unknown> = {
    active: true, scope: data.scope, client_id: data.client_id, sub: data.sub, exp: check.refresh_expires_at, iss: deps.config.issuer,
  };
  if (data.sid !== undefined) body.sid = data.sid;
  // RFC 9396 §9.2: what the refresh token can still obtain, every granted detail.
  if (data.authorization_details !== undefined) body.authorization_details = JSON.parse(data.authorization_details);
  return body;
}
