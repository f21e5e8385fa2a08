import type { PushedRequest } from '../../src/storage/ports';
import { testEnv } from './worker';

/**
 * The one place tests know how Portcullis lays out its storage (docs/storage.md):
 * KV key names and Durable Object names. Tests that reach behind the HTTP
 * surface (to expire a record, read what was stored, or call an object) go
 * through these, so a change of layout is one edit here.
 */

const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
/** KV prefix of pushed authorization requests (RFC 9126). */
export const PAR_PREFIX = 'par:';

/** The handle inside a `request_uri` (RFC 9126 §2.2): the part after the URN prefix. */
export function handleOf(request_uri: string): string {
  return request_uri.startsWith(REQUEST_URI_PREFIX) ? request_uri.slice(REQUEST_URI_PREFIX.length) : request_uri.split(':').pop()!;
}

/** The KV key of the pushed request behind `handle`. */
export function parKey(handle: string): string {
  return `${PAR_PREFIX}${handle}`;
}

/** The KV key of an interaction (login/consent in progress). */
export function interactionKey(id: string): string {
  return `interaction:${id}`;
}

/** The stored pushed request behind a `request_uri` or handle, read straight from KV (not through the store). */
export function readPushedRequest(requestUriOrHandle: string): Promise<PushedRequest | null> {
  return testEnv.PAR_KV.get<PushedRequest>(parKey(handleOf(requestUriOrHandle)), 'json');
}

/** Makes a stored pushed request expired in place (its `expires_at` in the past, KV still holding it). */
export async function expirePushedRequest(requestUriOrHandle: string): Promise<void> {
  const key = parKey(handleOf(requestUriOrHandle));
  const stored = JSON.parse((await testEnv.PAR_KV.get(key))!);
  await testEnv.PAR_KV.put(key, JSON.stringify({ ...stored, expires_at: Math.floor(Date.now() / 1000) - 1 }));
}

/** The KV key listings (with their expirations) of pushed requests whose key starts with `par:<handlePrefix>`. */
export async function listPushedRequests(handlePrefix = ''): Promise<KVNamespaceListKey<unknown>[]> {
  const keys: KVNamespaceListKey<unknown>[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await testEnv.PAR_KV.list({ prefix: parKey(handlePrefix), cursor });
    keys.push(...page.keys);
    if (page.list_complete) return keys;
    cursor = page.cursor;
  }
}

/** The Grant Durable Object of a grant handle (the part of a code or refresh token before the dot). */
export function grantStub(handle: string) {
  return testEnv.GRANTS.get(testEnv.GRANTS.idFromName(handle));
}

/** The Session Durable Object of a `sid`. */
export function sessionStub(sid: string) {
  return testEnv.SESSIONS.get(testEnv.SESSIONS.idFromName(sid));
}

/** The ReplayGuard Durable Object of a replay scope (e.g. a client's assertion `jti`s). */
export function replayStub(scope: string) {
  return testEnv.REPLAY.get(testEnv.REPLAY.idFromName(scope));
}
