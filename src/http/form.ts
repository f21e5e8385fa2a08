import type { Context } from 'hono';
import { InvalidRequest, PayloadTooLarge } from '../oauth/errors';

/** Reads the body as text, refusing more than `maxBytes` before reading it all (413). */
export async function readBody(request: Request, maxBytes: number): Promise<string> {
  const declared = request.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) throw new PayloadTooLarge(`request body exceeds ${maxBytes} bytes`);
  if (!request.body) return '';
  // A declared length within the limit is read in one call (cheaper than the loop); the runtime holds
  // the body to its Content-Length. Chunked bodies are read incrementally and cut off at the limit.
  if (declared !== null && /^\d+$/.test(declared)) {
    const bytes = new Uint8Array(await request.arrayBuffer());
    if (bytes.byteLength > maxBytes) throw new PayloadTooLarge(`request body exceeds ${maxBytes} bytes`);
    return decodeUtf8(bytes);
  }
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw new PayloadTooLarge(`request body exceeds ${maxBytes} bytes`);
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return decodeUtf8(bytes);
}

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch {
    throw new InvalidRequest('request body is not valid UTF-8');
  }
}

/** RFC 8707 §2: the one parameter that may repeat; its values are kept space separated (a URI holds no space). */
const RESOURCE = 'resource';

function addResource(params: Map<string, string>, value: string): void {
  // A space inside one value becomes a tab, so it still fails as one malformed URI where `resource` is read
  // (invalid_target, oauth/resources.ts) instead of passing as two; endpoints that ignore `resource` stay unaffected.
  const kept = value.replaceAll(' ', '\t');
  const previous = params.get(RESOURCE);
  if (kept !== '') params.set(RESOURCE, previous === undefined ? kept : `${previous} ${kept}`);
}

/**
 * A parameter name as an error may repeat it: one shaped like a parameter
 * name, up to 40 characters; anything else is request input an error must not
 * carry (it could fill a description, a page or a Location header).
 */
function nameForError(name: string): string {
  return /^[a-z][a-z0-9_]{0,39}$/.test(name) ? `parameter ${name}` : 'a parameter';
}

/**
 * Parses form parameters. A parameter given twice is `invalid_request`
 * (RFC 6749 §3.1, RFC 9126 §2.1), except `resource` (RFC 8707 §2); an empty value counts as omitted (RFC 6749 §3.1).
 */
export function parseParams(text: string): Map<string, string> {
  const params = new Map<string, string>();
  const seen = new Set<string>();
  for (const [name, value] of new URLSearchParams(text)) {
    if (name === RESOURCE) {
      addResource(params, value);
      continue;
    }
    if (seen.has(name)) throw new InvalidRequest(`${nameForError(name)} is included more than once`);
    seen.add(name);
    if (value !== '') params.set(name, value);
  }
  return params;
}

/** The form body of a POST that must be `application/x-www-form-urlencoded`. */
export async function readForm(c: Context, maxBytes: number): Promise<Map<string, string>> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new InvalidRequest('Content-Type must be application/x-www-form-urlencoded');
  }
  return parseParams(await readBody(c.req.raw, maxBytes));
}

/** Query parameters with the same duplicate rule. */
export function readQuery(c: Context): Map<string, string> {
  return parseParams(new URL(c.req.url).search.slice(1));
}
