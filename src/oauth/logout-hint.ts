import { compactVerify, createLocalJWKSet, decodeJwt } from 'jose';
import type { Config } from '../config';
import type { KeyStorePort } from '../storage/ports';
import { InvalidRequest } from './errors';

/** What an `id_token_hint` at the end_session_endpoint names (RP-Initiated Logout §2). */
export interface LogoutHint {
  sub: string;
  /** The clients the ID token was issued to. */
  aud: string[];
  sid?: string;
}

/**
 * Reads an `id_token_hint` given at logout (OpenID Connect RP-Initiated Logout
 * §2, §4): an ID token this server signed (with a key of its ring, retired
 * keys included; never `alg: none`, never a MAC) and issued (`iss`). An expired
 * one still names the session the RP means, so `exp` is not checked (§4: the
 * OP need not refuse it for expiry). Anything else is `invalid_request`, shown
 * as a page and never redirected.
 */
export async function readLogoutHint(hint: string, deps: { config: Config; keys: KeyStorePort }): Promise<LogoutHint> {
  const ring = await deps.keys.ring();
  try {
    await compactVerify(hint, createLocalJWKSet({ keys: ring.publicKeys }), { algorithms: deps.config.signingAlgs });
  } catch {
    throw refused('id_token_hint is not an ID token issued by this server');
  }
  const claims = decodeJwt(hint);
  const aud = (Array.isArray(claims.aud) ? claims.aud : [claims.aud]).filter((a): a is string => typeof a === 'string');
  if (claims.iss !== deps.config.issuer || typeof claims.sub !== 'string' || aud.length === 0) {
    throw refused('id_token_hint was not issued by this server');
  }
  return { sub: claims.sub, aud, ...(typeof claims.sid === 'string' && { sid: claims.sid }) };
}

function refused(message: string) {
  return new InvalidRequest(message, { allowRedirect: false });
}
