import { compactVerify, createLocalJWKSet, decodeJwt } from 'jose';
import type { Config } from '../config';
import type { KeyStorePort } from '../storage/ports';
import { InvalidRequest } from './errors';
import type { Client } from './types';

/**
 * The subject of an `id_token_hint` (OpenID Connect Core §3.1.2.1): an ID token
 * this server issued to this client. Its signature, issuer and audience are
 * checked; an expired token is still a valid hint, as the spec allows.
 */
export async function subjectOfIdTokenHint(hint: string, client: Client, deps: { config: Config; keys: KeyStorePort }): Promise<string> {
  const ring = await deps.keys.ring();
  try {
    await compactVerify(hint, createLocalJWKSet({ keys: ring.publicKeys }), { algorithms: deps.config.signingAlgs });
  } catch {
    throw new InvalidRequest('id_token_hint is not an ID token issued by this server');
  }
  const claims = decodeJwt(hint);
  const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (claims.iss !== deps.config.issuer || !audience.includes(client.client_id) || typeof claims.sub !== 'string') {
    throw new InvalidRequest('id_token_hint was not issued by this server to this client');
  }
  return claims.sub;
}
