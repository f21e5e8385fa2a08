import * as oauth from 'oauth4webapi';
import { issueAuthorizationCode } from '../../src/oauth/authorization-code';
import type { GrantData } from '../../src/oauth/grant-data';
import { randomToken } from '../../src/crypto/random';
import { getServices } from '../../src/storage/services';
import { createUser, registerClient } from './admin';
import { viaWorker } from './rp';
import { announceSecret } from './secrets';
import { testEnv } from './worker';

/** Claims of the test account: one per standard scope (OpenID Connect Core §5.4). */
export const USER_CLAIMS = {
  name: 'Ada Lovelace',
  given_name: 'Ada',
  family_name: 'Lovelace',
  preferred_username: 'ada',
  email: 'ada@example.org',
  email_verified: true,
  phone_number: '+44 20 7946 0000',
  address: { country: 'GB', locality: 'London' },
};

export interface CodeOptions {
  client_id: string;
  scope?: string;
  redirect_uri?: string;
  nonce?: string | null;
  /** 'S256' (default), 'plain', or null for a code without PKCE. */
  pkce?: 'S256' | 'plain' | null;
  /** Seconds to shift the issuing clock by (negative: a code issued in the past). */
  clockShift?: number;
  /** An existing account; a new one with USER_CLAIMS otherwise. */
  sub?: string;
  data?: Partial<GrantData>;
}

export interface IssuedCode {
  code: string;
  handle: string;
  code_verifier: string;
  nonce?: string;
  sub: string;
  data: GrantData;
}

/**
 * What /authorize does once the user has logged in and consented: record the
 * grant and issue its code through the real Grant Durable Object (no UI).
 */
export async function issueCode(options: CodeOptions): Promise<IssuedCode> {
  const services = getServices(testEnv);
  const sub = options.sub ?? (await createUser(undefined, undefined, USER_CLAIMS)).sub;
  const code_verifier = oauth.generateRandomCodeVerifier();
  const method = options.pkce === undefined ? 'S256' : options.pkce;
  const nonce = options.nonce === null ? undefined : (options.nonce ?? oauth.generateRandomNonce());
  const data: GrantData = {
    client_id: options.client_id,
    sub,
    scope: options.scope ?? 'openid profile email',
    redirect_uri: options.redirect_uri ?? 'https://rp.example/cb',
    sid: 'sid-' + crypto.randomUUID(),
    auth_time: services.now() - 5,
    acr: '1',
    amr: ['pwd'],
    ...(nonce !== undefined && { nonce }),
    ...options.data,
  };
  const handle = randomToken(32);
  const shift = options.clockShift ?? 0;
  const result = await issueAuthorizationCode({ ...services, now: () => services.now() + shift }, {
    handle,
    data,
    ...(method && {
      code_challenge: method === 'S256' ? await oauth.calculatePKCECodeChallenge(code_verifier) : code_verifier,
      code_challenge_method: method,
    }),
  });
  if (!result.ok) throw new Error(`code issuance failed: ${result.reason}`);
  announceSecret(result.code);
  announceSecret(code_verifier);
  return { code: result.code, handle, code_verifier, nonce, sub, data };
}

/** The callback as oauth4webapi validates it before a code exchange (RFC 6749 §4.1.2, RFC 9207 `iss`). */
export function callback(as: oauth.AuthorizationServer, client: oauth.Client, code: string): URLSearchParams {
  return oauth.validateAuthResponse(as, client, new URLSearchParams({ code, iss: as.issuer }), oauth.skipStateCheck);
}

/** A registered client as oauth4webapi sees it, with the matching client authentication. */
export interface RpClient {
  client: oauth.Client;
  auth: oauth.ClientAuth;
  client_id: string;
}

/** Registers a client (confidential `client_secret_basic` unless overridden) and returns its oauth4webapi handles. */
export async function rpClient(metadata: Record<string, unknown> = {}, key?: { privateKey: CryptoKey; kid: string }): Promise<RpClient> {
  const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], ...metadata });
  const method = reg.token_endpoint_auth_method as string;
  const auth =
    method === 'client_secret_basic' ? oauth.ClientSecretBasic(reg.client_secret!)
    : method === 'client_secret_post' ? oauth.ClientSecretPost(reg.client_secret!)
    : method === 'client_secret_jwt' ? oauth.ClientSecretJwt(reg.client_secret!)
    : method === 'private_key_jwt' ? oauth.PrivateKeyJwt({ key: key!.privateKey, kid: key!.kid })
    : oauth.None();
  const client: oauth.Client = { client_id: reg.client_id };
  if (typeof reg.id_token_signed_response_alg === 'string') client.id_token_signed_response_alg = reg.id_token_signed_response_alg;
  return { client, auth, client_id: reg.client_id };
}

/** POST /token with grant_type=authorization_code, as oauth4webapi sends it (RFC 6749 §4.1.3). */
export function redeem(as: oauth.AuthorizationServer, rp: RpClient, issued: IssuedCode, redirectUri = 'https://rp.example/cb'): Promise<Response> {
  return oauth.authorizationCodeGrantRequest(as, rp.client, rp.auth, callback(as, rp.client, issued.code), redirectUri, issued.code_verifier, viaWorker);
}
