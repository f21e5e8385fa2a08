import type { Config } from '../config';
import type { KeyStorePort, RemoteJwksPort } from '../storage/ports';
import { verifyWithClientKeys } from './client-keys';
import { paramForError } from './authorization-request';
import { resolveClientPolicy, type ClientPolicy } from './client-policy';
import { InvalidAuthorizationDetails, InvalidRequestObject } from './errors';
import { hasAcceptedTyp, REQUEST_OBJECT_TYPS } from './jwt-typ';
import { openRequestObject } from './request-object-decryption';
import type { Client } from './types';

export interface VerifiedRequestObject {
  params: Map<string, string>;
  /** When the object stops being acceptable: its `exp`, or `iat` plus MAX_REQUEST_OBJECT_LIFETIME without one. */
  exp: number;
}

function toParam(name: string, value: unknown): string {
  // RFC 9396 §3: in a request object authorization_details is a JSON array, never a string holding one.
  if (name === 'authorization_details') {
    if (!Array.isArray(value)) throw new InvalidAuthorizationDetails('request object authorization_details must be a JSON array (RFC 9396 section 3)');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') {
    if (name === 'resource' && /\s/.test(value)) throw new InvalidRequestObject('request object resource must be an absolute URI or an array of them (RFC 8707 section 2)');
    return value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'object' && value !== null && name === 'claims') return JSON.stringify(value);
  // RFC 8707 §2: several resources are an array of strings here, space separated as the form parser keeps them.
  if (name === 'resource' && Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '' && !/\s/.test(v))) return value.join(' ');
  throw new InvalidRequestObject(`request object claim ${paramForError(name)} has an unsupported type`);
}

/**
 * What a rejection tells the client: jose's stable error code, never its
 * message or the header's values, which can quote the attacker's JWT and
 * would land on the client's error page (RFC 6749 §4.1.2.1).
 */
function rejection(reason: string): string {
  const code = /^(ERR_[A-Z_]+):/.exec(reason)?.[1];
  // jose words its claim checks itself, naming only claims it checks (iss, aud, exp, nbf, iat).
  if (code === 'ERR_JWT_CLAIM_VALIDATION_FAILED' || code === 'ERR_JWT_EXPIRED') return `request object rejected: ${reason}`;
  return code ? `request object rejected (${code})` : 'request object rejected: its alg, signature or key is not acceptable';
}

/**
 * The time bound of a verified object (RFC 9101 §4, FAPI 2.0 Security Profile
 * §5.3.2.1, Message Signing §5.3.2, OpenID Connect Core §6.1). FAPI 2.0
 * requires `exp`, no further than MAX_REQUEST_OBJECT_LIFETIME ahead, and
 * Message Signing an `nbf` no older than that lifetime, with `exp` at most that
 * lifetime after it; other clients may omit `exp` (Apache mod_auth_openidc
 * sends none), and their object is then bounded by `iat`: no older than that
 * lifetime, not in the future. An object with neither is refused: nothing
 * would bound it, and a copy seen once in a browser would stay usable for ever.
 */
function timeBound(claims: Record<string, unknown>, policy: ClientPolicy, config: Config, now: number): number {
  const { exp, iat, nbf } = claims;
  const skew = policy.clock_skew;
  const longest = config.maxRequestObjectLifetime;
  if (typeof iat === 'number' && iat > now + skew) throw new InvalidRequestObject('request object iat is in the future');
  if (policy.request_object_nbf_required) {
    if (typeof nbf !== 'number') throw new InvalidRequestObject('request object nbf is required (FAPI 2.0 Message Signing section 5.3.2)');
    if (nbf + longest < now) throw new InvalidRequestObject('request object nbf is too far in the past (FAPI 2.0 Message Signing section 5.3.2)');
    if (typeof exp === 'number' && exp - nbf > longest) throw new InvalidRequestObject('request object exp is too long after nbf (FAPI 2.0 Message Signing section 5.3.2)');
  }
  if (typeof exp === 'number') {
    if (exp - now > longest) throw new InvalidRequestObject('request object exp is too far in the future');
    return exp;
  }
  if (policy.request_object_exp_required) throw new InvalidRequestObject('request object exp is required (FAPI 2.0 Security Profile §5.3.2.1)');
  if (typeof iat !== 'number') throw new InvalidRequestObject('request object needs exp or iat to bound its age (RFC 9101 §10.8)');
  const end = iat + longest;
  if (end + skew <= now) throw new InvalidRequestObject('request object iat is too old and it has no exp');
  return end;
}

/**
 * Verifies a signed request object (RFC 9101 §4, §6.3; RFC 9126 §3) with the
 * client's registered keys, after decrypting it when it came encrypted to our
 * key (RFC 9101 §6.1), and returns its claims as the request parameters. The
 * accepted algorithms are the client policy's (FAPI 2.0 §5.4.1: no RS256),
 * narrowed to `request_object_signing_alg` when registered.
 */
export async function verifyRequestObject(
  jwt: string, client: Client, config: Config, now: number, ports: { remoteJwks: RemoteJwksPort; keys: KeyStorePort },
): Promise<VerifiedRequestObject> {
  const policy = resolveClientPolicy(client, config);
  const jws = await openRequestObject(jwt, policy, ports.keys);
  const registered = client.request_object_signing_alg;
  const algorithms = policy.signing_algs.filter((a) => registered === undefined || a === registered);
  if (!hasAcceptedTyp(jws, REQUEST_OBJECT_TYPS)) throw new InvalidRequestObject('request object typ names another kind of JWT (RFC 8725 section 3.11, RFC 9101 section 10.8)');
  const result = await verifyWithClientKeys(jws, client, {
    algorithms,
    issuer: client.client_id,
    audience: config.issuer,
    clockTolerance: policy.clock_skew,
    requiredClaims: [...(policy.request_object_exp_required ? ['exp'] : []), ...(policy.request_object_nbf_required ? ['nbf'] : [])],
    currentDate: new Date(now * 1000),
  }, ports.remoteJwks);
  if (!result.ok) throw new InvalidRequestObject(rejection(result.reason));
  const claims = result.payload as Record<string, unknown>;
  // jose accepts an aud array once the issuer is among its members; every member must be a string (RFC 7519 §4.1.3).
  if (Array.isArray(claims.aud) && !claims.aud.every((a) => typeof a === 'string')) throw new InvalidRequestObject('request object aud must be a string or an array of strings (RFC 7519 section 4.1.3)');
  const exp = timeBound(claims, policy, config, now);
  if (claims.client_id !== client.client_id) throw new InvalidRequestObject('request object client_id must equal the authenticated client (RFC 9101 §5)');
  if ('request' in claims || 'request_uri' in claims) throw new InvalidRequestObject('request object must not contain request or request_uri (RFC 9101 §4)');
  const params = new Map<string, string>();
  const jwtOnly = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'sub']);
  for (const [name, value] of Object.entries(claims)) {
    if (!jwtOnly.has(name)) params.set(name, toParam(name, value));
  }
  return { params, exp };
}
