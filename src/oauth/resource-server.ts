/**
 * An API (a resource server, RFC 8707 §1) registered with this server: the
 * audience of the access tokens requested with `resource=<identifier>`.
 * Names follow DESIGN.md contract 5 and the D1 columns (schema.sql `apis`).
 */
export interface ResourceServer {
  /** An absolute URI without a fragment (RFC 8707 §2): the `resource` value and the tokens' `aud`. */
  identifier: string;
  name: string;
  /** The scopes this API defines, with the description the consent page shows. */
  scopes: ApiScope[];
  /** Seconds; absent means ACCESS_TOKEN_LIFETIME. */
  access_token_lifetime?: number;
  /** The alg of its JWT access tokens (RFC 9068 §2.1); absent means ACCESS_TOKEN_ALG. */
  access_token_signing_alg?: string;
  /** Whether a refresh token may carry this API (a refresh request may name it). */
  allow_refresh: boolean;
  /** RFC 9396 `authorization_details` types: each a JSON Schema of one object (validated in issue 12). */
  authorization_details_types?: Record<string, Record<string, unknown>>;
  /** The confidential client with which the API authenticates at /introspect (RFC 7662 §2.1). */
  client_id: string;
  created_at: number;
}

export interface ApiScope {
  name: string;
  description: string;
}

/** The client_id prefix of an API's introspection client (`api-<random>`). */
export const API_CLIENT_PREFIX = 'api-';
