import { createApp, type AppOptions } from '../../src/app';
import type { PushedRequest } from '../../src/storage/ports';
import { basic, call, form, ISSUER, testEnv } from './worker';
import { listPushedRequests, readPushedRequest } from './storage-keys';

/** A valid S256 code_challenge (43 base64url characters, RFC 7636 §4.2). */
export const CHALLENGE = 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM';

/** Parameters of a valid authorization request for a client registered with the default helper metadata. */
export function authzParams(extra: Record<string, string> = {}): Record<string, string> {
  return {
    response_type: 'code',
    redirect_uri: 'https://rp.example/cb',
    scope: 'openid profile',
    code_challenge: CHALLENGE,
    code_challenge_method: 'S256',
    ...extra,
  };
}

/** POST /par with client_secret_basic. */
export function parBasic(client_id: string, secret: string, params: Record<string, string>): Promise<Response> {
  const init = form(params);
  return call('/par', { ...init, headers: { ...(init.headers as Record<string, string>), authorization: basic(client_id, secret) } });
}

/** POST /par with the given form (client authentication inside it, or none). */
export function parForm(params: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  const init = form(params);
  return call('/par', { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
}

/** Every key of a pushed request in the PAR KV namespace. */
export async function parKeys(): Promise<string[]> {
  return (await listPushedRequests()).map((k) => k.name);
}

/**
 * The pushed requests stored since `before` (a `parKeys()` snapshot) for any of
 * `clientIds`. Test files run concurrently against the same local KV, so a
 * "stored nothing" check looks only at the clients the test itself registered.
 */
export async function storedSince(before: string[], clientIds: Iterable<string>): Promise<PushedRequest[]> {
  const known = new Set(before);
  const ids = new Set(clientIds);
  const fresh = (await parKeys()).filter((k) => !known.has(k));
  const records = await Promise.all(fresh.map((k) => testEnv.PAR_KV.get<PushedRequest>(k, 'json')));
  return records.filter((r): r is PushedRequest => r !== null && ids.has(r.client_id));
}

/** A registerClient that remembers each client_id it registered, for `storedSince`. */
export function trackingRegistrar(register: (m?: Record<string, unknown>) => Promise<{ client_id: string; client_secret?: string }>) {
  const ids = new Set<string>();
  const registerClient = async (metadata: Record<string, unknown> = {}) => {
    const reg = await register(metadata);
    ids.add(reg.client_id);
    return reg;
  };
  return { ids, registerClient };
}

/** The stored pushed request behind a `request_uri` (read straight from KV, not through the store). */
export function storedRequest(request_uri: string): Promise<PushedRequest | null> {
  return readPushedRequest(request_uri);
}

/**
 * An app with its own settings: a new env object gets a newly parsed config
 * (src/config.ts caches per env object), with the real local bindings.
 */
export function appWith(settings: Record<string, unknown>, options: AppOptions = {}) {
  const app = createApp(options);
  const env = { ...testEnv, ...settings };
  return (path: string, init: RequestInit = {}) => app.fetch(new Request(new URL(path, ISSUER), init), env);
}
