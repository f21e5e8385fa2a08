import { InvalidAuthorizationDetails } from './errors';
import type { Client } from './types';

/** One authorization details object (RFC 9396 §2): a JSON object whose `type` names its kind. */
export type AuthorizationDetail = { type: string } & Record<string, unknown>;

/** Most objects in one `authorization_details` array. */
export const MAX_AUTHORIZATION_DETAILS = 16;
/**
 * Longest `authorization_details` JSON text. It also bounds the access token:
 * the granted details ride in it (RFC 9396 §9.1), and /userinfo and
 * /introspect refuse JWTs over 8 KB.
 */
export const MAX_AUTHORIZATION_DETAILS_LENGTH = 4096;
/** Most nesting levels inside one object; deeper structures are refused before any schema runs. */
const MAX_DEPTH = 8;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function depthOf(value: unknown): number {
  if (Array.isArray(value)) return 1 + Math.max(0, ...value.map(depthOf));
  if (isObject(value)) return 1 + Math.max(0, ...Object.values(value).map(depthOf));
  return 0;
}

/**
 * Checks the shape of parsed `authorization_details` (RFC 9396 §2): a
 * non-empty JSON array of objects, each with a non-empty string `type`, within
 * the count and depth bounds. What each type allows is its schema's business
 * (oauth/detail-schemas.ts).
 */
export function checkAuthorizationDetails(value: unknown): AuthorizationDetail[] {
  if (!Array.isArray(value) || value.length === 0) throw new InvalidAuthorizationDetails('authorization_details must be a non-empty JSON array (RFC 9396 section 2)');
  if (value.length > MAX_AUTHORIZATION_DETAILS) throw new InvalidAuthorizationDetails(`authorization_details holds more than ${MAX_AUTHORIZATION_DETAILS} objects`);
  value.forEach((detail, i) => {
    if (!isObject(detail)) throw new InvalidAuthorizationDetails(`authorization_details[${i}] must be a JSON object (RFC 9396 section 2)`);
    if (typeof detail.type !== 'string' || detail.type === '' || detail.type.length > 200) {
      throw new InvalidAuthorizationDetails(`authorization_details[${i}] needs a string type (RFC 9396 section 2)`);
    }
    if (depthOf(detail) > MAX_DEPTH) throw new InvalidAuthorizationDetails(`authorization_details[${i}] is nested too deeply`);
  });
  return value as AuthorizationDetail[];
}

/** Parses the `authorization_details` parameter (RFC 9396 §2, §3); malformed JSON is `invalid_authorization_details` too. */
export function parseAuthorizationDetails(text: string): AuthorizationDetail[] {
  if (text.length > MAX_AUTHORIZATION_DETAILS_LENGTH) throw new InvalidAuthorizationDetails(`authorization_details is longer than ${MAX_AUTHORIZATION_DETAILS_LENGTH} characters`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new InvalidAuthorizationDetails('authorization_details is not valid JSON (RFC 9396 section 2)');
  }
  return checkAuthorizationDetails(parsed);
}

/**
 * Refuses a type the client did not register in its `authorization_details_types`
 * (RFC 9396 §10). A client that registered none may request none: details
 * authorize payments and the like, so they are opt-in per client, unlike `scope`.
 */
export function assertClientMayUse(details: readonly AuthorizationDetail[], client: Pick<Client, 'authorization_details_types'>): void {
  const allowed = new Set(client.authorization_details_types ?? []);
  const refused = details.findIndex((d) => !allowed.has(d.type));
  if (refused >= 0) throw new InvalidAuthorizationDetails(`authorization_details[${refused}] has a type not registered for this client (RFC 9396 section 10)`);
}

/** JSON text with object members sorted at every level: equal objects give equal text, whatever their member order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(',')}}`;
  return JSON.stringify(value);
}

/** What a grant records about its details (GrantData, AuthorizationRequest): the JSON text and the API of each. */
export interface DetailsRecord {
  authorization_details?: string;
  authorization_details_resources?: string[];
}

/** The granted details that belong to the API `aud` (each detail's API was fixed when it was authorized). */
export function detailsFor(granted: DetailsRecord, aud: string): AuthorizationDetail[] {
  if (granted.authorization_details === undefined) return [];
  const details = JSON.parse(granted.authorization_details) as AuthorizationDetail[];
  return details.filter((_, i) => granted.authorization_details_resources?.[i] === aud);
}

/**
 * What a token request may carry (RFC 9396 §6.1, §6.2): without
 * `authorization_details`, every granted detail of the token's audience; with
 * it, a subset, each requested object equal to a granted one of that audience.
 * Equal means the same JSON value with members in any order (canonicalJson):
 * no narrowing inside an object, whose meaning only its API knows.
 */
export function tokenDetails(granted: DetailsRecord, aud: string, requested: string | undefined): AuthorizationDetail[] {
  const available = detailsFor(granted, aud);
  if (requested === undefined) return available;
  const byText = new Map(available.map((d) => [canonicalJson(d), d]));
  const chosen = new Map<string, AuthorizationDetail>();
  parseAuthorizationDetails(requested).forEach((detail, i) => {
    const text = canonicalJson(detail);
    const match = byText.get(text);
    if (!match) throw new InvalidAuthorizationDetails(`authorization_details[${i}] was not granted for this token's audience (RFC 9396 section 6.1)`);
    chosen.set(text, match);
  });
  return [...chosen.values()];
}

/** A request's checked details as the grant records them; nothing when it has none. */
export function grantedDetails(request: DetailsRecord): DetailsRecord {
  if (request.authorization_details === undefined || request.authorization_details_resources === undefined) return {};
  return { authorization_details: request.authorization_details, authorization_details_resources: request.authorization_details_resources };
}
