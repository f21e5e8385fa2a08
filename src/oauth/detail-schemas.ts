import { dereference, validate, type Schema, type SchemaDraft } from '@cfworker/json-schema';
import type { AuthorizationDetail } from './authorization-details';
import { InvalidAuthorizationDetails } from './errors';
import type { ResourceServer } from './resource-server';

/**
 * JSON Schema validation of authorization details (RFC 9396 §2, DESIGN.md
 * contract 5) with @cfworker/json-schema, which interprets schemas instead of
 * generating code: Workers forbid `eval` and `new Function`.
 */

/** The drafts a schema may name in `$schema`; without one, 2020-12. */
const DRAFTS: Record<string, SchemaDraft> = {
  'http://json-schema.org/draft-04/schema#': '4',
  'http://json-schema.org/draft-07/schema#': '7',
  'https://json-schema.org/draft/2019-09/schema': '2019-09',
  'https://json-schema.org/draft/2020-12/schema': '2020-12',
};
/** A schema ready to validate with: its draft and the lookup of every subschema by URI. */
export interface CompiledSchema {
  schema: Schema;
  draft: SchemaDraft;
  lookup: Record<string, Schema | boolean>;
}

/** Longest schema of one type, as JSON text. */
export const MAX_SCHEMA_LENGTH = 16_384;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Every object inside a schema, itself included. */
function* subschemas(value: unknown): Generator<Record<string, unknown>> {
  if (Array.isArray(value)) for (const item of value) yield* subschemas(item);
  else if (isObject(value)) {
    yield value;
    for (const member of Object.values(value)) yield* subschemas(member);
  }
}

/**
 * Builds the validator of one schema, or says why it cannot be used. A
 * schema is refused when its `$schema` names a draft the validator lacks,
 * when a `$ref` points outside it (nothing is fetched), or when a `pattern`
 * is not a valid Unicode regular expression: each would otherwise surface
 * only while validating a request.
 */
export function compileDetailSchema(schema: Record<string, unknown>): { ok: true; compiled: CompiledSchema } | { ok: false; reason: string } {
  const declared = schema.$schema;
  if (declared !== undefined && (typeof declared !== 'string' || !(declared in DRAFTS))) return { ok: false, reason: `$schema must be one of ${Object.keys(DRAFTS).join(', ')}` };
  if (JSON.stringify(schema).length > MAX_SCHEMA_LENGTH) return { ok: false, reason: `is longer than ${MAX_SCHEMA_LENGTH} characters` };
  const copy = structuredClone(schema) as Schema; // dereferencing annotates the schema it is given
  let lookup: Record<string, Schema | boolean>;
  try {
    lookup = dereference(copy);
  } catch (error) {
    return { ok: false, reason: `cannot be compiled (${error instanceof Error ? error.message.slice(0, 100) : 'unknown error'})` };
  }
  for (const sub of subschemas(copy) as Generator<Schema & Record<string, unknown>>) {
    for (const keyword of ['$ref', '$recursiveRef', '$dynamicRef'] as const) {
      if (sub[keyword] === undefined) continue;
      if (keyword === '$dynamicRef') return { ok: false, reason: '$dynamicRef is not supported' };
      const absolute = (keyword === '$ref' ? sub.__absolute_ref__ : sub.__absolute_recursive_ref__) ?? sub[keyword];
      if (typeof absolute !== 'string' || lookup[absolute] === undefined) return { ok: false, reason: `${keyword} ${JSON.stringify(sub[keyword])} does not resolve inside the schema` };
    }
    const patterns = [sub.pattern, ...(isObject(sub.patternProperties) ? Object.keys(sub.patternProperties) : [])];
    for (const pattern of patterns) {
      if (pattern === undefined) continue;
      try {
        new RegExp(pattern as string, 'u');
      } catch {
        return { ok: false, reason: `pattern ${JSON.stringify(pattern)} is not a valid regular expression` };
      }
    }
  }
  return { ok: true, compiled: { schema: copy, draft: declared === undefined ? '2020-12' : DRAFTS[declared]!, lookup } };
}

/** Compiled validators per API record: the API cache hands out the same record while it is fresh, so each is compiled once per isolate. */
const compiled = new WeakMap<ResourceServer, Map<string, CompiledSchema | null>>();

function validatorOf(api: ResourceServer, type: string): CompiledSchema | null {
  let byType = compiled.get(api);
  if (!byType) compiled.set(api, (byType = new Map()));
  let validator = byType.get(type);
  if (validator === undefined) {
    const schema = api.authorization_details_types?.[type];
    const result = schema ? compileDetailSchema(schema) : undefined;
    validator = result?.ok ? result.compiled : null;
    byType.set(type, validator);
  }
  return validator;
}

/**
 * Validates detail `index` against its type's schema in `api`, exactly as
 * registered (DESIGN.md contract 5: `additionalProperties: false` refuses
 * unknown members). The error names the failing schema keyword, never a value.
 */
export function validateDetail(api: ResourceServer, detail: AuthorizationDetail, index: number): void {
  const validator = validatorOf(api, detail.type);
  if (!validator) throw new InvalidAuthorizationDetails(`authorization_details[${index}] has a type that API "${api.identifier}" does not define (RFC 9396 section 5)`);
  let result;
  try {
    result = validate(detail, validator.schema, validator.draft, validator.lookup, true);
  } catch {
    throw new InvalidAuthorizationDetails(`authorization_details[${index}] cannot be validated against its type's schema`);
  }
  if (!result.valid) {
    // The schema's location, never the instance's: member names are the client's text (error descriptions may reach its
    // redirect_uri). A `false` subschema's entry is located by the instance, so the keyword that applied it is named instead.
    const where = result.errors.filter((e) => e.keyword !== 'false').at(-1)?.keywordLocation ?? '#';
    throw new InvalidAuthorizationDetails(`authorization_details[${index}] does not match the schema of its type at ${where} (RFC 9396 section 5)`);
  }
}
