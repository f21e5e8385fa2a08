import type { JWTPayload } from 'jose';
import type { Config } from '../config';
import { signJwt } from '../crypto/jwt';
import { randomToken } from '../crypto/random';
import type { KeyStorePort } from '../storage/ports';

/** The event member that makes a JWT a logout token (Back-Channel Logout 1.0 §2.4). */
export const BACKCHANNEL_LOGOUT_EVENT = 'http://schemas.openid.net/event/backchannel-logout';

/** Logout token lifetime: Back-Channel Logout §2.4 recommends a short one (about two minutes). */
export const LOGOUT_TOKEN_LIFETIME = 120;

export interface LogoutTokenInput {
  client_id: string;
  /** The client's `id_token_signed_response_alg`: a logout token is signed like its ID tokens (§2.4). */
  alg: string;
  sub: string;
  sid?: string;
}

export interface LogoutTokenDeps {
  config: Pick<Config, 'issuer'>;
  keys: KeyStorePort;
  now: () => number;
}

/**
 * Builds and signs a logout token (Back-Channel Logout 1.0 §2.4): explicit
 * type `logout+jwt` (RFC 8725 §3.11), `iss`, `aud` = client_id, `iat`, `exp`,
 * a fresh `jti`, the back-channel logout `events` member, `sub` always and
 * `sid` whenever the session is known. A `nonce` is forbidden (§2.4) and is
 * never added: the claims are listed here and nowhere else.
 */
export async function issueLogoutToken(input: LogoutTokenInput, deps: LogoutTokenDeps): Promise<string> {
  const iat = deps.now();
  const payload: JWTPayload = {
    iss: deps.config.issuer,
    sub: input.sub,
    aud: input.client_id,
    iat,
    exp: iat + LOGOUT_TOKEN_LIFETIME,
    jti: randomToken(16),
    events: { [BACKCHANNEL_LOGOUT_EVENT]: {} },
  };
  if (input.sid !== undefined) payload.sid = input.sid;
  return signJwt(payload, input.alg, deps.keys, 'logout+jwt');
}
