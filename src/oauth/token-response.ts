import { randomToken } from '../crypto/random';
import { logEvent } from '../log';
import type { GrantPort } from '../storage/ports';
import type { ApiStore, ReplayStore, UserStore } from '../storage/ports';
import { issueAccessToken, type AccessTokenDeps } from './access-token';
import type { Confirmation } from './dpop-binding';
import type { AuthorizationDetail } from './authorization-details';
import { requestedClaims, selectUserClaims } from './claims';
import { resolveClientPolicy } from './client-policy';
import type { GrantData } from './grant-data';
import { issueIdToken } from './id-token';
import { hasScope } from './token-scope';
import type { TokenAudience } from './resources';
import type { TokenType } from './token-type';
import type { StoredClient } from './types';

/** What the token endpoint's grant handlers need: ports and the clock, no HTTP. */
export interface TokenDeps extends AccessTokenDeps {
  grants: GrantPort;
  users: UserStore;
  apis: ApiStore;
  /** DPoP proof `jti`s (RFC 9449 §11.1). */
  replay: ReplayStore;
  requestId: string;
}

/** RFC 6749 §5.1 successful response, plus the OpenID Connect Core §3.1.3.3 `id_token`. */
export interface TokenResponse {
  access_token: string;
  token_type: TokenType;
  expires_in: number;
  scope: string;
  refresh_token?: string;
  id_token?: string;
  /** RFC 9396 §7: the authorization details the access token carries. */
  authorization_details?: AuthorizationDetail[];
}

export interface GrantTokensInput {
  client: StoredClient;
  handle: string;
  data: GrantData;
  /** The granted scope, or a narrower one on refresh: decides the ID token (`openid`). */
  scope: string;
  /** Who the access token is for and the part of `scope` it carries (RFC 8707 §2.2, oauth/resources.ts). */
  audience: TokenAudience;
  jti: string;
  /** Epoch seconds, from the same clock reading as `exp`. */
  iat: number;
  /** Epoch seconds; already capped at the grant's own end. */
  exp: number;
  refresh_token?: string;
  include_nonce: boolean;
  grant_type: string;
  /** What the access token is bound to (RFC 9449 §6.1, RFC 8705 §3.1); absent for a bearer token. */
  cnf?: Confirmation;
  /** The granted authorization details this token carries (RFC 9396 §6, oauth/authorization-details.ts `tokenDetails`). */
  authorization_details?: AuthorizationDetail[];
  /** False to leave out the ID token although `scope` has `openid`: a refresh may (OpenID Connect Core §12.2, `REFRESH_ID_TOKEN`). */
  id_token?: boolean;
}

/** A fresh access token id (RFC 9068 §2.2 `jti`), 128 random bits. */
export function newJti(): string {
  return randomToken(16);
}

/**
 * Mints the tokens of a user grant: a JWT access token, and an ID token when
 * the scope includes `openid` (OpenID Connect Core §3.1.3.3) unless the caller
 * leaves it out (a refresh with `REFRESH_ID_TOKEN=false`, §12.2). The account is
 * read only when `claims.id_token` asks for user claims, so the common path
 * touches no database.
 */
export async function mintGrantTokens(input: GrantTokensInput, deps: TokenDeps): Promise<TokenResponse> {
  const { client, data, audience } = input;
  const openid = hasScope(input.scope, 'openid') && input.id_token !== false;
  const wanted = openid ? requestedClaims(data.claims, 'id_token') : [];
  const [at, user] = await Promise.all([
    issueAccessToken({
      sub: data.sub, aud: audience.aud, client_id: client.client_id, scope: audience.scope, jti: input.jti, iat: input.iat, exp: input.exp,
      auth_time: data.auth_time, acr: data.acr, amr: data.amr, sid: data.sid, grant: input.handle, cnf: input.cnf,
      ...(input.authorization_details?.length && { authorization_details: input.authorization_details }),
    }, deps, audience.api?.access_token_signing_alg),
    wanted.length ? deps.users.get(data.sub) : null,
  ]);
  const body: TokenResponse = {
    access_token: at.access_token,
    token_type: at.token_type,
    expires_in: input.exp - input.iat,
    scope: audience.scope,
  };
  if (input.refresh_token) body.refresh_token = input.refresh_token;
  if (input.authorization_details?.length) body.authorization_details = input.authorization_details;
  if (openid) {
    body.id_token = await issueIdToken({
      client_id: client.client_id,
      // The policy's alg: FAPI 2.0 §5.4.1 never signs with RS256 for a FAPI client.
      alg: resolveClientPolicy(client, deps.config).id_token_signing_alg,
      data,
      access_token: at.access_token,
      include_nonce: input.include_nonce,
      user_claims: user ? selectUserClaims(user, wanted) : undefined,
    }, deps);
  }
  logEvent('token_issued', {
    request_id: deps.requestId, client_id: client.client_id, grant_type: input.grant_type, sub: data.sub, jti: input.jti,
    refresh_token: body.refresh_token !== undefined, id_token: body.id_token !== undefined,
  });
  return body;
}
