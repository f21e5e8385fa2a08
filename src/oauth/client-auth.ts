import { decodeJwt, decodeProtectedHeader, errors, jwtVerify, type JWTPayload } from 'jose';
import type { Config } from '../config';
import { HMAC_ALGS } from './capabilities';
import { randomId } from '../crypto/random';
import { logEvent } from '../log';
import type { ClientStore, ReplayStore } from '../storage/ports';
import type { RemoteJwksPort } from '../storage/ports';
import { isMtlsMethod, presentedMethod, verifyClientCertificate } from './client-auth-mtls';
import { describe, verifyWithClientKeys } from './client-keys';
import { clientHmacSecrets, clientSecretMatches } from './client-secrets';
import { resolveClientPolicy, type ClientPolicy } from './client-policy';
import { InvalidClient, InvalidRequest } from './errors';
import { CLIENT_ASSERTION_TYPS, hasAcceptedTyp } from './jwt-typ';
import type { ClientCertificate } from './request-input';
import type { AuthMethod, StoredClient } from './types';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

/** The credentials a request presented, with the one method they imply. */
export interface PresentedCredentials {
  method: AuthMethod;
  client_id: string;
  secret?: string;
  assertion?: string;
  /** Basic was tried: a 401 then carries `WWW-Authenticate: Basic` (RFC 6749 §5.2). */
  basic: boolean;
  /** The mTLS client certificate (RFC 8705 §2), with client_id alone in the form. */
  certificate?: ClientCertificate;
}

export interface ClientAuthDeps {
  config: Config;
  clients: ClientStore;
  replay: ReplayStore;
  remoteJwks: RemoteJwksPort;
  now: () => number;
  requestId: string;
}

function decodeBasic(header: string): { id: string; secret: string } {
  let decoded: string;
  try {
    decoded = atob(header.slice(6).trim());
  } catch {
    throw new InvalidRequest('malformed Basic authorization header');
  }
  const colon = decoded.indexOf(':');
  if (colon < 0) throw new InvalidRequest('malformed Basic authorization header');
  try {
    // RFC 6749 §2.3.1: id and secret are form-urlencoded before base64.
    const formDecode = (s: string) => decodeURIComponent(s.replace(/\+/g, ' '));
    return { id: formDecode(decoded.slice(0, colon)), secret: formDecode(decoded.slice(colon + 1)) };
  } catch {
    throw new InvalidRequest('malformed Basic authorization header');
  }
}

function assertionClientId(assertion: string, bodyClientId: string | undefined): string {
  let claims: JWTPayload;
  try {
    claims = decodeJwt(assertion);
  } catch {
    throw new InvalidRequest('client_assertion is not a JWT');
  }
  const id = typeof claims.sub === 'string' ? claims.sub : bodyClientId;
  if (!id) throw new InvalidRequest('client_assertion has no sub');
  if (bodyClientId && bodyClientId !== id) throw new InvalidRequest('client_id does not match the client_assertion sub');
  return id;
}

/**
 * Reads exactly one client authentication method from the request (RFC 6749
 * §2.3, RFC 7523 §2.2, OIDC Core §9). Two methods at once are `invalid_request`.
 * A client_id alone is `none`, or mTLS (RFC 8705 §2) once the client's
 * registration is known (`presentedMethod`); the certificate rides along.
 */
export function extractCredentials(authorization: string | undefined, form: Map<string, string>, certificate?: ClientCertificate): PresentedCredentials {
  const bodyId = form.get('client_id');
  const bodySecret = form.get('client_secret');
  const assertion = form.get('client_assertion');
  const assertionType = form.get('client_assertion_type');
  const basic = authorization !== undefined && /^basic /i.test(authorization);
  if (authorization !== undefined && !basic) throw new InvalidRequest('unsupported Authorization scheme for client authentication');
  const used = [basic, bodySecret !== undefined, assertion !== undefined || assertionType !== undefined].filter(Boolean).length;
  if (used > 1) throw new InvalidRequest('more than one client authentication method was used (RFC 6749 §2.3)');
  if (basic) {
    const { id, secret } = decodeBasic(authorization!);
    if (bodyId !== undefined && bodyId !== id) throw new InvalidRequest('client_id does not match the Basic credentials');
    return { method: 'client_secret_basic', client_id: id, secret, basic: true };
  }
  if (bodySecret !== undefined) {
    if (!bodyId) throw new InvalidRequest('client_secret_post needs client_id');
    return { method: 'client_secret_post', client_id: bodyId, secret: bodySecret, basic: false };
  }
  if (assertion !== undefined || assertionType !== undefined) {
    if (assertionType !== JWT_BEARER) throw new InvalidRequest(`client_assertion_type must be ${JWT_BEARER}`);
    if (!assertion) throw new InvalidRequest('client_assertion is missing');
    let alg: unknown;
    try {
      alg = decodeProtectedHeader(assertion).alg;
    } catch {
      throw new InvalidRequest('client_assertion is not a JWT');
    }
    const method = typeof alg === 'string' && alg.startsWith('HS') ? 'client_secret_jwt' : 'private_key_jwt';
    return { method, client_id: assertionClientId(assertion, bodyId), assertion, basic: false };
  }
  if (!bodyId) throw new InvalidRequest('client_id is missing: a public client identifies itself with client_id (RFC 6749 §3.2.1)');
  return { method: 'none', client_id: bodyId, basic: false, ...(certificate && { certificate }) };
}

/** The assertion `aud` check of the client's policy (RFC 7523 §3, RFC 9126 §2, FAPI 2.0 §5.3.2.1). */
function audienceOk(aud: JWTPayload['aud'], policy: ClientPolicy): boolean {
  if (policy.assertion_audience_string_only) return typeof aud === 'string' && policy.assertion_audiences.includes(aud);
  return (Array.isArray(aud) ? aud : [aud]).some((a) => typeof a === 'string' && policy.assertion_audiences.includes(a));
}

async function verifyAssertion(creds: PresentedCredentials, client: StoredClient, policy: ClientPolicy, deps: ClientAuthDeps): Promise<string | null> {
  const { config } = deps;
  const registeredAlg = client.token_endpoint_auth_signing_alg;
  // The policy's algorithms (FAPI 2.0 §5.4.1: no RS256), narrowed to the registered one.
  const family = creds.method === 'client_secret_jwt' ? HMAC_ALGS : policy.signing_algs;
  const algorithms = family.filter((a) => registeredAlg === undefined || a === registeredAlg);
  const skew = policy.clock_skew;
  const options = { algorithms, issuer: client.client_id, subject: client.client_id, clockTolerance: skew, requiredClaims: ['exp', 'jti'], currentDate: new Date(deps.now() * 1000) };
  if (!hasAcceptedTyp(creds.assertion!, CLIENT_ASSERTION_TYPS)) return 'typ of another kind of JWT (RFC 8725 section 3.11)';
  let payload: JWTPayload;
  if (creds.method === 'client_secret_jwt') {
    if (!client.client_secret_sealed || !config.clientSecretKey) return 'no recoverable secret for client_secret_jwt';
    // The current secret and, during a rotation's overlap, the one it replaced (oauth/client-secrets.ts).
    const secrets = await clientHmacSecrets(client, config.clientSecretKey, deps.now());
    if (!secrets) return 'sealed client secret cannot be opened with the current CLIENT_SECRET_KEY';
    const header = decodeProtectedHeader(creds.assertion!);
    if (!algorithms.includes(String(header.alg))) return `alg ${String(header.alg)} not allowed`;
    let verified: JWTPayload | undefined;
    let failure = 'invalid assertion';
    for (const secret of secrets) {
      try {
        verified = (await jwtVerify(creds.assertion!, new TextEncoder().encode(secret), options)).payload;
        break;
      } catch (error) {
        if (error instanceof errors.JOSEError) failure = describe(error);
      }
    }
    if (!verified) return failure;
    payload = verified;
  } else {
    const result = await verifyWithClientKeys(creds.assertion!, client, options, deps.remoteJwks);
    if (!result.ok) return result.reason;
    payload = result.payload;
  }
  if (!audienceOk(payload.aud, policy)) return 'aud is not an accepted audience';
  // RFC 7523 §3 item 6, FAPI 2.0 §5.3.2.1: an iat beyond the tolerated skew is refused (jose checks nbf itself).
  if (typeof payload.iat === 'number' && payload.iat > deps.now() + skew) return 'iat in the future';
  if (payload.exp! - deps.now() > config.maxJwtLifetime + skew) return 'exp too far in the future';
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > 256) return 'jti missing or too long';
  const fresh = await deps.replay.claim(`client:${client.client_id}`, payload.jti, payload.exp! + config.clockSkew);
  return fresh ? null : 'jti replayed';
}

const CAUSES =
  'Client authentication failed. Possible causes: missing or unknown client_id, missing client authentication, ' +
  'invalid client secret, invalid, expired or replayed client assertion JWT, a missing, unverified, expired or non-matching ' +
  'mTLS client certificate, or an authentication method other than the registered one';

/** A client that proved its identity, with the policy that governs it on this request. */
export interface AuthenticatedClient {
  client: StoredClient;
  policy: ClientPolicy;
}

/**
 * Authenticates the client with its registered method (RFC 6749 §2.3, RFC 7523
 * §3) and resolves its policy. On failure the response names every possible
 * cause and a `client_auth_id`; the exact cause is logged under that id, never
 * returned (Connect2id model).
 */
export async function authenticateClient(creds: PresentedCredentials, deps: ClientAuthDeps): Promise<AuthenticatedClient> {
  const client = creds.client_id.length <= 128 ? await deps.clients.get(creds.client_id) : null;
  const policy = client ? resolveClientPolicy(client, deps.config) : null;
  const method = presentedMethod(creds.method, client);
  let reason: string | null;
  if (!client) reason = 'unknown client_id';
  else if (client.token_endpoint_auth_method !== method) reason = `method ${method} used, ${client.token_endpoint_auth_method} registered`;
  // FAPI2=true may find clients registered before it with methods the profile forbids (FAPI 2.0 §5.3.2.1).
  else if (policy!.auth_methods !== 'any' && !policy!.auth_methods.includes(method)) reason = `method ${method} not allowed by FAPI 2.0`;
  else if (method === 'none') reason = null;
  else if (isMtlsMethod(method)) reason = await verifyClientCertificate(method, client, creds.certificate, { ...deps, clockSkew: deps.config.clockSkew });
  else if (creds.method === 'client_secret_basic' || creds.method === 'client_secret_post') {
    // One SHA-256 of the presented secret, compared in constant time with the stored digest.
    reason = (await clientSecretMatches(client, creds.secret ?? '', deps.now())) ? null : 'wrong client secret';
  } else reason = await verifyAssertion(creds, client, policy!, deps);

  if (reason === null && client) return { client, policy: policy! };
  const client_auth_id = randomId();
  logEvent('client_auth_failed', { request_id: deps.requestId, client_auth_id, client_id: creds.client_id.slice(0, 128), method, reason });
  throw new InvalidClient(CAUSES, {
    extra: { client_auth_id },
    headers: creds.basic ? { 'WWW-Authenticate': 'Basic realm="portcullis", charset="UTF-8"' } : {},
  });
}
