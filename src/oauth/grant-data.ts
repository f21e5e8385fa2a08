/**
 * What an authorization grants, recorded in its Grant object when the code is
 * issued and read back at /token, /userinfo, /introspect and on refresh.
 */
export interface GrantData {
  client_id: string;
  sub: string;
  /** Granted scope, space separated. */
  scope: string;
  redirect_uri: string;
  /** Session id (OIDC Front-/Back-Channel Logout `sid`). */
  sid?: string;
  /** Epoch seconds of the end-user authentication (OIDC Core §2 `auth_time`). */
  auth_time: number;
  acr?: string;
  amr?: string[];
  nonce?: string;
  /** The `claims` request parameter as JSON text (OIDC Core §5.5). */
  claims?: string;
  /** The registration instance the grant belongs to (the client's `client_id_issued_at`, RFC 7591 §3.2.1); see registration-instance.ts. */
  client_id_issued_at?: number;
  /** Whether the ID token must carry auth_time (max_age was sent, or auth_time requested as essential). */
  require_auth_time?: boolean;
  /** The granted resource indicators (RFC 8707 §2), in request order; absent means the default audience. */
  resource?: string[];
  /** RFC 9396 §2: the granted authorization details as JSON text (the grant object stores flat values), as approved on the consent page. */
  authorization_details?: string;
  /** The API identifier (a granted resource) each of `authorization_details` belongs to, in the same order. */
  authorization_details_resources?: string[];
}

/**
 * Codes and refresh tokens are `<handle>.<secret>`: the handle names the grant's
 * Durable Object (as in the request_uri), the secret is 256 random bits that
 * the object stores only as a SHA-256 hash.
 */
export function splitToken(token: string): { handle: string; secret: string } | null {
  const match = /^([A-Za-z0-9_-]{43})\.([A-Za-z0-9_-]{43})$/.exec(token);
  return match ? { handle: match[1]!, secret: match[2]! } : null;
}

export function joinToken(handle: string, secret: string): string {
  return `${handle}.${secret}`;
}
