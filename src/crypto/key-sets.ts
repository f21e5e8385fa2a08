import { createLocalJWKSet, type JWK, type JWTVerifyGetKey } from 'jose';

/**
 * jose key sets of registered public keys, one per JWK Set *object*, so a
 * key is imported once and reused instead of once per request. The set lives
 * exactly as long as the array it was built from: a client's `jwks` lives in
 * the client-registration cache and a `jwks_uri` document in the remote JWKS
 * cache, both bounded and expiring after CLIENT_CACHE_TTL (docs/storage.md).
 * A changed registration or refetched document is a new array, hence a new
 * set: old keys are never used beyond the registration cache's bound.
 */
const sets = new WeakMap<readonly JWK[], JWTVerifyGetKey>();

export function keySetOf(keys: readonly JWK[]): JWTVerifyGetKey {
  let set = sets.get(keys);
  if (!set) {
    set = createLocalJWKSet({ keys: keys as JWK[] });
    sets.set(keys, set);
  }
  return set;
}
