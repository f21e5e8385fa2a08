import type { JWK } from 'jose';
import type { Config } from '../config';
import { ASYMMETRIC_ALGS, HMAC_ALGS, JWE_ALGS, JWE_ENCS, REQUEST_OBJECT_ENC_ENCS } from './capabilities';
import { fapi2DefaultAlg, isFapi2 } from './client-policy';
import { assertFapi2Metadata } from './fapi2-registration';
import { requestObjectEncryptionAlgs } from './request-object-decryption';
import { InvalidClientMetadata, InvalidRedirectUri } from './errors';
import { fail, oneOf, optBool, optString, stringList, type Input } from './metadata-fields';
import { importsAsPublicKey, publicKeyProblem } from './client-keys';
import { JWE_KEY_TYPES, selectEncryptionKey } from './jarm';
import { mtlsFields } from './client-metadata-mtls';
import { checkOrigin } from './cors-origins';
import { checkOutboundTarget, isLocalIssuer } from './outbound-target';
import { checkRedirectUri, checkWebUri } from './redirect-uri';
import { scopeOrNull } from './token-scope';
import { AUTH_METHODS, CLIENT_PROFILES, GRANT_TYPES, RESPONSE_TYPES, type AuthMethod, type Client } from './types';

/** Metadata as accepted on registration: everything but what the server assigns. */
export type ClientMetadata = Omit<Client, 'client_id' | 'client_id_issued_at'> & { client_id?: string };

const CLIENT_ID = /^[A-Za-z0-9._~-]{1,128}$/;

function uriList(input: Input, field: string, appType: 'web' | 'native', errorFor: typeof InvalidRedirectUri): string[] {
  const list = stringList(input, field, []);
  for (const uri of list) {
    const check = checkRedirectUri(uri, appType);
    if (!check.ok) throw new errorFor(`${field}: ${check.reason}`);
  }
  return list;
}

function webUri(input: Input, field: string): string | undefined {
  const v = optString(input, field);
  if (v === undefined) return undefined;
  const check = checkWebUri(v);
  if (!check.ok) throw fail(field, check.reason);
  return v;
}

/**
 * A logout URI (Front-Channel Logout 1.0 §2, Back-Channel Logout 1.0 §2.2):
 * absolute, no fragment, https; http only for loopback and only when the
 * issuer itself is local (development). The back-channel URI is fetched by the
 * server, so it must also be a target the outbound guard allows (no private or
 * metadata address, DESIGN.md "outbound fetches").
 */
function logoutUri(input: Input, field: 'frontchannel_logout_uri' | 'backchannel_logout_uri', config: Config): string | undefined {
  const v = webUri(input, field);
  if (v === undefined) return undefined;
  const local = isLocalIssuer(config.issuer);
  if (field === 'backchannel_logout_uri') {
    const check = checkOutboundTarget(v, local);
    if (!check.ok) throw fail(field, check.reason);
  } else if (!local && new URL(v).protocol !== 'https:') {
    throw fail(field, 'must use https (loopback http only when the issuer is local)');
  }
  return v;
}

/** `allowed_origins` (Portcullis extension, issue 11): serialized origins a browser-based client calls from, validated like redirect URIs. */
function allowedOrigins(input: Input): string[] | undefined {
  const list = stringList(input, 'allowed_origins', []);
  for (const origin of list) {
    const check = checkOrigin(origin);
    if (!check.ok) throw fail('allowed_origins', check.reason);
  }
  return list.length ? list : undefined;
}

function jwks(input: Input): { keys: JWK[] } | undefined {
  const v = input.jwks;
  if (v === undefined || v === null) return undefined;
  const keys = (v as { keys?: unknown }).keys;
  if (typeof v !== 'object' || !Array.isArray(keys) || keys.length === 0 || keys.length > 20) {
    throw fail('jwks', 'must be a JWK Set with 1 to 20 keys');
  }
  keys.forEach((key: unknown, i) => {
    const problem = publicKeyProblem(key);
    if (problem) throw fail('jwks', `key ${keyName(key, i)} ${problem}`);
  });
  return { keys: keys as JWK[] };
}

function keyName(key: unknown, index: number): string {
  const kid = (key as { kid?: unknown } | null)?.kid;
  return typeof kid === 'string' ? `"${kid.slice(0, 64)}"` : `#${index}`;
}

/**
 * Imports every registered key as its uses will (RFC 7517 §4, RFC 7518 §6), so
 * a key that passes the member checks but is not a valid key (a point off its
 * curve) is refused at registration, not at the first login.
 */
export async function assertClientKeysImport(metadata: ClientMetadata): Promise<void> {
  const keys = metadata.jwks?.keys ?? [];
  for (const [i, key] of keys.entries()) {
    if (!(await importsAsPublicKey(key))) throw fail('jwks', `key ${keyName(key, i)} is not a valid public key`);
  }
}

function jwksUri(input: Input, config: Config): string | undefined {
  const v = optString(input, 'jwks_uri');
  if (v === undefined) return undefined;
  const check = checkOutboundTarget(v, isLocalIssuer(config.issuer));
  if (!check.ok) throw fail('jwks_uri', check.reason);
  return v;
}

function authFields(input: Input, config: Config) {
  const method = oneOf(input, 'token_endpoint_auth_method', AUTH_METHODS, 'client_secret_basic') as AuthMethod;
  const keys = jwks(input);
  const keysUri = jwksUri(input, config);
  if (keys && keysUri) throw fail('jwks', 'jwks and jwks_uri are mutually exclusive (RFC 7591 §2)');
  if (method === 'private_key_jwt' && !keys && !keysUri) throw fail('jwks', 'private_key_jwt needs jwks or jwks_uri');
  const algs = method === 'client_secret_jwt' ? HMAC_ALGS : ASYMMETRIC_ALGS;
  const signingAlg = oneOf(input, 'token_endpoint_auth_signing_alg', algs);
  if (signingAlg && !method.endsWith('_jwt')) throw fail('token_endpoint_auth_signing_alg', `does not apply to ${method}`);
  if (method === 'client_secret_jwt' && !config.clientSecretKey) {
    throw fail('token_endpoint_auth_method', 'client_secret_jwt needs the CLIENT_SECRET_KEY secret to be configured');
  }
  return { method, keys, keysUri, signingAlg, mtls: mtlsFields(input, method, config, keys, keysUri) };
}

function grantFields(input: Input, method: AuthMethod) {
  const grant_types = stringList(input, 'grant_types', ['authorization_code'], GRANT_TYPES);
  const usesCode = grant_types.includes('authorization_code');
  const response_types = stringList(input, 'response_types', usesCode ? ['code'] : [], RESPONSE_TYPES);
  if (response_types.includes('code') !== usesCode) {
    throw fail('response_types', 'response type "code" goes with grant type "authorization_code" (RFC 7591 §2.1)');
  }
  if (grant_types.includes('client_credentials') && method === 'none') {
    throw fail('grant_types', 'client_credentials needs an authenticated (confidential) client');
  }
  if (grant_types.includes('refresh_token') && grant_types.length === 1) {
    throw fail('grant_types', 'refresh_token needs another grant type that issues refresh tokens');
  }
  return { grant_types, response_types };
}

function scope(input: Input): string | undefined {
  const v = optString(input, 'scope', 4096);
  if (v === undefined) return undefined;
  const tokens = scopeOrNull(v);
  if (tokens === null) throw fail('scope', 'must be space-separated scope tokens (RFC 6749 §3.3)');
  return tokens.join(' ');
}

function jarmFields(input: Input, config: Config, keys: { keys: JWK[] } | undefined, keysUri: string | undefined) {
  const signed = oneOf(input, 'authorization_signed_response_alg', config.signingAlgs);
  const encAlg = oneOf(input, 'authorization_encrypted_response_alg', JWE_ALGS);
  const enc = oneOf(input, 'authorization_encrypted_response_enc', JWE_ENCS, encAlg ? 'A128CBC-HS256' : undefined);
  if (enc && !encAlg) throw fail('authorization_encrypted_response_enc', 'needs authorization_encrypted_response_alg');
  if (encAlg && !keys && !keysUri) throw fail('authorization_encrypted_response_alg', 'needs jwks or jwks_uri with an encryption key');
  // A jwks_uri document is checked when a response is about to be sent (oauth/jarm.ts assertResponseDeliverable).
  if (encAlg && keys && !selectEncryptionKey(keys.keys, encAlg)) {
    throw fail('authorization_encrypted_response_alg', `jwks holds no key to encrypt to with ${encAlg} (needs kty ${JWE_KEY_TYPES[encAlg]!.join(' or ')} with use "enc" or no use, JARM section 2.3)`);
  }
  return { signed, encAlg, enc };
}

/**
 * `require_signed_request_object` (RFC 9101 §10.5) and the request object
 * encryption this client will use (RFC 9101 §6.1, OpenID Connect Registration
 * §2: `_enc` defaults to A128CBC-HS256 once `_alg` is given).
 */
function requestObjectFields(input: Input, config: Config) {
  const alg = oneOf(input, 'request_object_encryption_alg', requestObjectEncryptionAlgs(config));
  const enc = oneOf(input, 'request_object_encryption_enc', REQUEST_OBJECT_ENC_ENCS, alg ? 'A128CBC-HS256' : undefined);
  if (enc && !alg) throw fail('request_object_encryption_enc', 'needs request_object_encryption_alg');
  const signed = optBool(input, 'require_signed_request_object', false);
  return {
    ...(signed && { require_signed_request_object: true }),
    ...(alg && { request_object_encryption_alg: alg, request_object_encryption_enc: enc }),
  };
}

/**
 * Validates client metadata per RFC 7591 §2 and OpenID Connect Registration §2,
 * applying defaults. Unknown members are ignored (RFC 7591 §2). Throws
 * `invalid_client_metadata` or `invalid_redirect_uri` naming the field.
 */
export function validateClientMetadata(body: unknown, config: Config): ClientMetadata {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InvalidClientMetadata('the request body must be a JSON object of client metadata');
  }
  const input = body as Input;
  const client_id = optString(input, 'client_id', 128);
  if (client_id !== undefined && !CLIENT_ID.test(client_id)) throw fail('client_id', 'must be 1-128 characters of A-Z a-z 0-9 . _ ~ -');
  const application_type = oneOf(input, 'application_type', ['web', 'native'] as const, 'web')!;
  const auth = authFields(input, config);
  const grants = grantFields(input, auth.method);
  const redirect_uris = uriList(input, 'redirect_uris', application_type, InvalidRedirectUri);
  if (grants.grant_types.includes('authorization_code') && redirect_uris.length === 0) {
    throw new InvalidRedirectUri('redirect_uris: at least one is required for the authorization_code grant');
  }
  const jarm = jarmFields(input, config, auth.keys, auth.keysUri);
  const par_lifetime = input.par_lifetime;
  if (par_lifetime !== undefined && par_lifetime !== null && (!Number.isInteger(par_lifetime) || (par_lifetime as number) < 5 || (par_lifetime as number) > 3600)) {
    throw fail('par_lifetime', 'must be an integer number of seconds from 5 to 3600');
  }
  const contacts = stringList(input, 'contacts', []);
  const client_profile = oneOf(input, 'client_profile', CLIENT_PROFILES, 'default')!;
  const metadata: ClientMetadata = {
    ...(client_id !== undefined && { client_id }),
    client_name: optString(input, 'client_name', 200),
    client_uri: webUri(input, 'client_uri'),
    logo_uri: webUri(input, 'logo_uri'),
    policy_uri: webUri(input, 'policy_uri'),
    tos_uri: webUri(input, 'tos_uri'),
    contacts: contacts.length ? contacts : undefined,
    application_type,
    redirect_uris,
    token_endpoint_auth_method: auth.method,
    token_endpoint_auth_signing_alg: auth.signingAlg, ...auth.mtls,
    ...grants,
    scope: scope(input),
    jwks: auth.keys,
    jwks_uri: auth.keysUri,
    require_pushed_authorization_requests: optBool(input, 'require_pushed_authorization_requests', false),
    request_object_signing_alg: oneOf(input, 'request_object_signing_alg', ASYMMETRIC_ALGS),
    ...requestObjectFields(input, config),
    authorization_signed_response_alg: jarm.signed,
    authorization_encrypted_response_alg: jarm.encAlg,
    authorization_encrypted_response_enc: jarm.enc,
    id_token_signed_response_alg: oneOf(input, 'id_token_signed_response_alg', config.signingAlgs, isFapi2({ client_profile }, config) ? fapi2DefaultAlg(config) : 'RS256')!,
    post_logout_redirect_uris: uriList(input, 'post_logout_redirect_uris', application_type, InvalidRedirectUri),
    frontchannel_logout_uri: logoutUri(input, 'frontchannel_logout_uri', config),
    frontchannel_logout_session_required: optBool(input, 'frontchannel_logout_session_required', false),
    backchannel_logout_uri: logoutUri(input, 'backchannel_logout_uri', config),
    backchannel_logout_session_required: optBool(input, 'backchannel_logout_session_required', false),
    par_lifetime: (par_lifetime ?? undefined) as number | undefined,
    allowed_origins: allowedOrigins(input),
    dpop_bound_access_tokens: optBool(input, 'dpop_bound_access_tokens', false), // RFC 9449 §5.2
    tls_client_certificate_bound_access_tokens: optBool(input, 'tls_client_certificate_bound_access_tokens', false), // RFC 8705 §3.4
    client_profile,
    authorization_details_types: input.authorization_details_types === undefined ? undefined : stringList(input, 'authorization_details_types', []), // RFC 9396 §10
  };
  assertFapi2Metadata(metadata, config);
  return metadata;
}
