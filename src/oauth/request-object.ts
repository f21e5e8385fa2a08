import type { Config } from '../config';
import { ASYMMETRIC_ALGS } from './capabilities';
import type { RemoteJwksPort } from '../storage/ports';
import { verifyWithClientKeys } from './client-keys';
import { InvalidRequestObject } from './errors';
import { hasAcceptedTyp, REQUEST_OBJECT_TYPS } from './jwt-typ';
import type { Client } from './types';


export interface VerifiedRequestObject {
  params: Map<string, string>;
  exp: number;
}

function toParam(name: string, value: unknown): string {
  if (typeof value === 'string') {
    if (name === 'resource' && /\s/.test(value)) throw new InvalidRequestObject('request object resource must be an absolute URI or an array of them (RFC 8707 section 2)');
    return value;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value === 'object' && value !== null && name === 'claims') return JSON.stringify(value);
  // RFC 8707 §2: several resources are an array of strings here, space separated as the form parser keeps them.
  if (name === 'resource' && Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '' && !/\s/.test(v))) return value.join(' ');
  throw new InvalidRequestObject(`request object claim "${name}" has an unsupported type`);
}

/**
 * Verifies a signed request object (RFC 9101 §4, §6.3; RFC 9126 §3) with the
 * client's registered keys and returns its claims as the request parameters.
 */
export async function verifyRequestObject(jwt: string, client: Client, config: Config, now: number, remote: RemoteJwksPort): Promise<VerifiedRequestObject> {
  const algorithms = client.request_object_signing_alg ? [client.request_object_signing_alg] : [...ASYMMETRIC_ALGS];
  if (!hasAcceptedTyp(jwt, REQUEST_OBJECT_TYPS)) throw new InvalidRequestObject('request object typ names another kind of JWT (RFC 8725 section 3.11, RFC 9101 section 10.8)');
  const result = await verifyWithClientKeys(jwt, client, {
    algorithms,
    issuer: client.client_id,
    audience: config.issuer,
    clockTolerance: config.clockSkew,
    requiredClaims: ['exp'],
    currentDate: new Date(now * 1000),
  }, remote);
  if (!result.ok) throw new InvalidRequestObject(`request object rejected: ${result.reason}`);
  const claims = result.payload as Record<string, unknown>;
  // jose accepts an aud array once the issuer is among its members; every member must be a string (RFC 7519 §4.1.3).
  if (Array.isArray(claims.aud) && !claims.aud.every((a) => typeof a === 'string')) throw new InvalidRequestObject('request object aud must be a string or an array of strings (RFC 7519 section 4.1.3)');
  const exp = claims.exp as number;
  if (exp - now > config.maxRequestObjectLifetime) throw new InvalidRequestObject('request object exp is too far in the future');
  if (typeof claims.iat === 'number' && claims.iat > now + config.clockSkew) throw new InvalidRequestObject('request object iat is in the future');
  if (claims.client_id !== client.client_id) throw new InvalidRequestObject('request object client_id must equal the authenticated client (RFC 9101 §5)');
  if ('request' in claims || 'request_uri' in claims) throw new InvalidRequestObject('request object must not contain request or request_uri (RFC 9101 §4)');
  const params = new Map<string, string>();
  const jwtOnly = new Set(['iss', 'aud', 'exp', 'iat', 'nbf', 'jti', 'sub']);
  for (const [name, value] of Object.entries(claims)) {
    if (!jwtOnly.has(name)) params.set(name, toParam(name, value));
  }
  return { params, exp };
}
