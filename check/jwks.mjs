// The published keys: public members only, one key per advertised ID token
// algorithm, and a cache lifetime the key schedule allows for (DESIGN.md "Key
// retirement is by time": a new key signs only after it has been published
// for the /jwks cache lifetime, so a cache must not outlive that lead time).
import { cacheControl, request } from './http.mjs';
import { described, fail, pass, warn } from './result.mjs';

/** Private members of a JWK (RFC 7518 §6.2.2, §6.3.2, §6.4; RFC 8037 §2). */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];
/**
 * The defaults of the key schedule (src/config.ts JWKS_MAX_AGE, src/oauth/key-schedule.ts):
 * a new key is published `JWKS_MAX_AGE` + 60 s stale-while-revalidate + 300 s
 * isolate cache before it signs, and the server announces its own max-age.
 * Discovery does not publish the lead time, so the check compares with these.
 */
export const DEFAULT_SCHEDULE = { maxAge: 300, staleWhileRevalidate: 60, ringCache: 300 };
/** The largest JWKS_MAX_AGE the server accepts (src/config.ts): anything above it was set by something in front of it. */
const MAX_CONFIGURABLE = 12 * 3600;

/** Lines for `/jwks`: its keys and its Cache-Control. */
export async function checkJwks(meta) {
  if (!meta.jwks_uri) return [fail('jwks.keys', 'jwks_uri publishes the signing keys', 'discovery has no jwks_uri (OIDC Discovery §3: REQUIRED)')];
  const res = await request(meta.jwks_uri);
  if (res.status !== 200 || !Array.isArray(res.json?.keys)) return [fail('jwks.keys', 'jwks_uri publishes the signing keys', `${meta.jwks_uri} → ${described(res)}`)];
  return [keys(res.json.keys, meta), cache(res.headers)];
}

function keys(list, meta) {
  const title = 'JWK Set: public keys only, unique kids, a key for every advertised ID token alg';
  const leaked = list.filter((k) => PRIVATE_MEMBERS.some((m) => m in k));
  if (leaked.length) return fail('jwks.keys', title, `${leaked.length} key(s) carry PRIVATE members (${leaked.map((k) => k.kid).join(', ')}): rotate them now`);
  const kids = list.map((k) => k.kid);
  if (kids.some((k) => !k) || new Set(kids).size !== kids.length) return fail('jwks.keys', title, 'a key has no kid or two keys share one (RFC 7517 §4.5)');
  const algs = new Set(list.map((k) => k.alg));
  const missing = (meta.id_token_signing_alg_values_supported ?? []).filter((a) => a !== 'none' && !algs.has(a));
  if (missing.length) return fail('jwks.keys', title, `no published key for ${missing.join(', ')} although discovery advertises it`);
  return pass('jwks.keys', title, `${list.length} keys: ${[...algs].join(', ')}`);
}

function cache(headers) {
  const title = '/jwks cache lifetime within the key rotation lead time';
  const cc = cacheControl(headers);
  if (cc.has('no-store') || cc.has('no-cache')) return warn('jwks.cache', title, `Cache-Control "${headers.get('cache-control')}": every verifier refetches the keys on each token`);
  const maxAge = Number(cc.get('max-age'));
  const swr = Number(cc.get('stale-while-revalidate') ?? 0);
  if (!Number.isFinite(maxAge)) return warn('jwks.cache', title, `no max-age in Cache-Control "${headers.get('cache-control') ?? ''}": caches guess their own lifetime`);
  if (maxAge > MAX_CONFIGURABLE) {
    return fail('jwks.cache', title, `max-age=${maxAge} exceeds any JWKS_MAX_AGE the server allows (${MAX_CONFIGURABLE}): something in front of it lengthens the cache, so verifiers can miss a new key when it starts signing`);
  }
  const lead = DEFAULT_SCHEDULE.maxAge + DEFAULT_SCHEDULE.staleWhileRevalidate;
  if (maxAge + swr > lead) {
    return warn('jwks.cache', title, `max-age=${maxAge} + stale-while-revalidate=${swr} s is longer than the default lead time (${lead} s) a new key is published before it signs; the lead time is not discoverable, so make sure JWKS_MAX_AGE is ${maxAge} (the schedule then follows it) and no proxy lengthened it`);
  }
  return pass('jwks.cache', title, `max-age=${maxAge}, stale-while-revalidate=${swr}: within the ${lead} s a new key is published before it signs (default schedule)`);
}
