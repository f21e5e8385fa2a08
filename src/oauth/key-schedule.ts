import type { Config } from '../config';
import { JARM_LIFETIME } from './jarm';
import { LOGOUT_TOKEN_LIFETIME } from './logout-token';
import type { KeySchedule } from '../storage/ports';

/** Seconds a `/jwks` response may still be served while it is revalidated (RFC 5861 §3), after its `max-age`. */
export const JWKS_STALE_WHILE_REVALIDATE = 60;

/** The longest a JWT this server signs can be valid: ID token, access token, JARM response, logout token. */
export function longestSignedLifetime(config: Pick<Config, 'idTokenLifetime' | 'accessTokenLifetime'>): number {
  return Math.max(config.idTokenLifetime, config.accessTokenLifetime, JARM_LIFETIME, LOGOUT_TOKEN_LIFETIME);
}

/**
 * The key schedule for `config`. `ringCacheSeconds` is how long an isolate
 * keeps a loaded key ring: it may sign with a retired key that long after the
 * retirement, and learns of a staged key only that long after staging.
 */
export function keySchedule(
  config: Pick<Config, 'idTokenLifetime' | 'accessTokenLifetime' | 'jwksMaxAge' | 'clockSkew' | 'keyRotationInterval'>,
  ringCacheSeconds: number,
): KeySchedule {
  const jwksCache = config.jwksMaxAge + JWKS_STALE_WHILE_REVALIDATE;
  return {
    publishDelay: jwksCache + ringCacheSeconds,
    retention: ringCacheSeconds + longestSignedLifetime(config) + config.clockSkew + jwksCache,
    interval: config.keyRotationInterval,
  };
}
