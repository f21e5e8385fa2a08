import type { ApiStore } from '../storage/ports';
import type { AuthorizationDetail } from './authorization-details';
import type { AuthorizationRequest } from './types';

/** One authorization details object in plain words for the consent page (RFC 9396 §2, §5 "the AS shows the user"). */
export interface DetailView {
  /** The schema's `title`, else the type name. */
  title: string;
  type: string;
  /** The name of the API the detail is for. */
  api: string;
  /** The schema's `description`, when it has one. */
  description?: string;
  /** Every value of the object except `type`, one labelled line each, nested members as `parent › child`. */
  lines: { label: string; value: string }[];
}

/** Most lines shown per detail; the rest is summarized, never silently dropped. */
const MAX_LINES = 40;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v.slice(0, 200) : undefined);

/** A member's label: its schema property `title` when the schema gives one, else its name. */
function labelOf(key: string, schema: unknown): string {
  const properties = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
  const property = Object.hasOwn(properties, key) ? properties[key] : undefined;
  return (isObject(property) && text(property.title)) || key;
}

function propertySchema(key: string, schema: unknown): unknown {
  return isObject(schema) && isObject(schema.properties) && Object.hasOwn(schema.properties, key) ? schema.properties[key] : undefined;
}

/** Flattens a value to labelled lines: primitives as they are, arrays of primitives joined, objects and other arrays member by member. */
function flatten(value: unknown, label: string, schema: unknown, out: { label: string; value: string }[]): void {
  if (Array.isArray(value)) {
    if (value.every((v) => !isObject(v) && !Array.isArray(v))) out.push({ label, value: value.map((v) => String(v)).join(', ') });
    else value.forEach((item, i) => flatten(item, `${label} ${i + 1}`, isObject(schema) ? schema.items : undefined, out));
  } else if (isObject(value)) {
    for (const [key, member] of Object.entries(value)) flatten(member, `${label} › ${labelOf(key, schema)}`, propertySchema(key, schema), out);
  } else {
    out.push({ label, value: value === null ? '(none)' : String(value) });
  }
}

/** One detail in words: `schema` is its type's registered schema, `api` the name of the API it is for. */
export function describeDetail(detail: AuthorizationDetail, schema: Record<string, unknown> | undefined, api: string): DetailView {
  const lines: { label: string; value: string }[] = [];
  for (const [key, member] of Object.entries(detail)) {
    if (key !== 'type') flatten(member, labelOf(key, schema), propertySchema(key, schema), lines);
  }
  const shown = lines.length > MAX_LINES ? [...lines.slice(0, MAX_LINES), { label: '…', value: `${lines.length - MAX_LINES} more values` }] : lines;
  const description = text(schema?.description);
  return { title: text(schema?.title) ?? detail.type, type: detail.type, api, ...(description && { description }), lines: shown };
}

/**
 * What the consent page says about a request's `authorization_details`: each
 * object through a generic template (title and description from its type's
 * schema, then every member as a labelled line). Values are data; the page
 * escapes them when rendering.
 */
export async function describeAuthorizationDetails(
  request: Pick<AuthorizationRequest, 'authorization_details' | 'authorization_details_resources'>, apis: ApiStore,
): Promise<DetailView[]> {
  if (request.authorization_details === undefined) return [];
  const details = JSON.parse(request.authorization_details) as AuthorizationDetail[];
  const owners = await Promise.all(details.map((_, i) => {
    const identifier = request.authorization_details_resources?.[i];
    return identifier === undefined ? null : apis.get(identifier);
  }));
  return details.map((detail, i) => {
    const api = owners[i];
    return describeDetail(detail, api?.authorization_details_types?.[detail.type], api?.name ?? 'an API');
  });
}
