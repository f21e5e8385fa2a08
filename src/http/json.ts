import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { InvalidRequest } from '../oauth/errors';
import { readBody } from './form';

/** Media types of a JSON Merge Patch body (RFC 7396 §4) and of plain JSON, both accepted by the admin API's PATCH. */
export const MERGE_PATCH_TYPES = ['application/merge-patch+json', 'application/json'] as const;

/** The JSON body of an admin request (`Content-Type: application/json` unless `types` says otherwise), size-limited like forms. */
export async function readJson(c: Context<AppEnv>, types: readonly string[] = ['application/json']): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (!types.includes(type)) throw new InvalidRequest(`Content-Type must be ${types.join(' or ')}`);
  const text = await readBody(c.req.raw, c.get('services').config.maxBodyBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequest('the body is not valid JSON');
  }
}
