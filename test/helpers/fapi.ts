import { registerClient } from './admin';
import { dpopKey, dpopProof } from './dpop';
import { clientAssertion, clientKey, type ClientKey } from './jwt';
import { call, form } from './worker';

export const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

type Fetch = (path: string, init?: RequestInit) => Response | Promise<Response>;

export interface FapiClient {
  client_id: string;
  key: ClientKey;
  /** A fresh private_key_jwt assertion (aud: the issuer, as a string; FAPI 2.0 §5.3.2.1). */
  auth(): Promise<Record<string, string>>;
  /**
   * POSTs `params` plus a fresh assertion to `path` (default /par) through `fetch` (default the test Worker);
   * at /token with a DPoP proof, since FAPI 2.0 §5.3.2.1 requires sender-constrained access tokens.
   */
  post(params: Record<string, string>, path?: string, fetch?: Fetch): Promise<Response>;
}

/**
 * A client registered the way the FAPI 2.0 Security Profile allows
 * (§5.3.2.1: confidential, private_key_jwt; §5.4.1: an ES256 key), with
 * `client_profile: "fapi2"` unless `metadata` says otherwise.
 */
export async function fapiClient(metadata: Record<string, unknown> = {}, alg = 'ES256'): Promise<FapiClient> {
  const key = await clientKey(alg);
  const reg = await registerClient({
    token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, grant_types: ['authorization_code', 'refresh_token'],
    client_profile: 'fapi2', ...metadata,
  });
  const auth = async () => ({ client_assertion_type: JWT_BEARER, client_assertion: await clientAssertion(reg.client_id, key) });
  const dpop = await dpopKey();
  const post = async (params: Record<string, string>, path = '/par', fetch: Fetch = call) => {
    const init = form({ ...params, ...(await auth()) });
    if (path === '/token') init.headers = { ...(init.headers as Record<string, string>), DPoP: await dpopProof(dpop, '/token') };
    return fetch(path, init);
  };
  return { client_id: reg.client_id, key, auth, post };
}
