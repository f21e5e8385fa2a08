import { clientCredentialsGrant } from './client-credentials';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from './errors';
import { refreshTokens } from './refresh-token';
import { exchangeAuthorizationCode } from './token-exchange';
import type { TokenDeps, TokenResponse } from './token-response';
import type { StoredClient } from './types';

type GrantHandler = (client: StoredClient, form: Map<string, string>, deps: TokenDeps) => Promise<TokenResponse>;

const HANDLERS: Record<string, GrantHandler> = {
  authorization_code: exchangeAuthorizationCode,
  refresh_token: refreshTokens,
  client_credentials: clientCredentialsGrant,
};

/**
 * Dispatches a token request of an authenticated client by `grant_type`
 * (RFC 6749 §4.1.3, §4.4.2, §6): an unknown type is `unsupported_grant_type`,
 * one the client did not register is `unauthorized_client` (§5.2).
 */
export function handleTokenRequest(client: StoredClient, form: Map<string, string>, deps: TokenDeps): Promise<TokenResponse> {
  const grantType = form.get('grant_type');
  if (grantType === undefined) throw new InvalidRequest('grant_type is required (RFC 6749 section 4.1.3)');
  const handler = Object.hasOwn(HANDLERS, grantType) ? HANDLERS[grantType] : undefined;
  if (!handler) throw new UnsupportedGrantType('the grant_type is not supported (RFC 6749 section 5.2)');
  if (!client.grant_types.includes(grantType)) {
    throw new UnauthorizedClient(`the client is not registered for the ${grantType} grant type`);
  }
  return handler(client, form, deps);
}
