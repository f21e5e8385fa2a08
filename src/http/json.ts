import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { InvalidRequest } from '../oauth/errors';
import { readBody } from './form';

/** The JSON body of an admin request (`Content-Type: application/json`), size-limited like forms. */
export async function readJson(c: Context<AppEnv>): Promise<unknown> {
  const type = (c.req.header('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') throw new InvalidRequest('Content-Type must be application/json');
  const text = await readBody(c.req.raw, c.get('services').config.maxBodyBytes);
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidRequest('the body is not valid JSON');
  }
}
