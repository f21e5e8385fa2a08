import type { Config } from '../config';
import { FAPI2_AUTH_METHODS, FAPI2_SIGNING_ALGS } from './capabilities';
import { FAPI2_MAX_REQUEST_URI_LIFETIME, isFapi2 } from './client-policy';
import { InvalidClientMetadata } from './errors';
import type { Client } from './types';

type Metadata = Pick<Client, 'client_profile' | 'token_endpoint_auth_method' | 'token_endpoint_auth_signing_alg' | 'request_object_signing_alg'
  | 'id_token_signed_response_alg' | 'authorization_signed_response_alg' | 'par_lifetime'>;

const ALG_FIELDS = ['token_endpoint_auth_signing_alg', 'request_object_signing_alg', 'id_token_signed_response_alg', 'authorization_signed_response_alg'] as const;

/**
 * Refuses metadata a FAPI 2.0 client (by `client_profile`, or every client
 * under FAPI2=true) may not register, with `invalid_client_metadata` naming
 * the field: a confidential client authenticating with `private_key_jwt` or
 * mTLS (FAPI 2.0 Security Profile §5.3.2.1), PS256, ES256 or EdDSA only
 * (§5.4.1), a request_uri lifetime under 600 s (§5.3.2.2). The server must be
 * able to sign for it with a FAPI alg (`SIGNING_ALGS` with PS256 or ES256).
 */
export function assertFapi2Metadata(metadata: Metadata, config: Config): void {
  if (!isFapi2(metadata, config)) return;
  const fail = (field: string, problem: string) => new InvalidClientMetadata(`${field}: ${problem}`);
  if (!(FAPI2_AUTH_METHODS as readonly string[]).includes(metadata.token_endpoint_auth_method)) {
    throw fail('token_endpoint_auth_method', `a FAPI 2.0 client authenticates with ${FAPI2_AUTH_METHODS.join(' or ')} (FAPI 2.0 Security Profile section 5.3.2.1)`);
  }
  for (const field of ALG_FIELDS) {
    const alg = metadata[field];
    if (alg !== undefined && !(FAPI2_SIGNING_ALGS as readonly string[]).includes(alg)) {
      throw fail(field, `a FAPI 2.0 client uses ${FAPI2_SIGNING_ALGS.join(', ')} (FAPI 2.0 Security Profile section 5.4.1)`);
    }
  }
  if (metadata.par_lifetime !== undefined && metadata.par_lifetime > FAPI2_MAX_REQUEST_URI_LIFETIME) {
    throw fail('par_lifetime', `must be under 600 s for a FAPI 2.0 client (FAPI 2.0 Security Profile section 5.3.2.2)`);
  }
  if (!config.signingAlgs.some((a) => a === 'PS256' || a === 'ES256')) {
    throw fail('client_profile', 'this server has no PS256 or ES256 key to sign for a FAPI 2.0 client (SIGNING_ALGS)');
  }
}
