import { exchangeAuthorizationCode } from './authorization-code-grant';
import { clientCredentialsGrant } from './client-credentials';
import { bindTokenRequest, type TokenBinding } from './dpop-binding';
import { InvalidRequest, UnauthorizedClient, UnsupportedGrantType } from './errors';
import { refreshTokens } from './refresh-token';
import type { TokenDeps, TokenResponse } from './token-response';
import type { ClientRequest } from './request-input';

/** A grant type's handler: the authenticated request and what it binds tokens to in, the RFC 6749 §5.1 response out. */
type GrantHandler = (request: ClientRequest, deps: TokenDeps, binding: TokenBinding) => Promise<TokenResponse>;

const HANDLERS: Record<string, GrantHandler> = {
  authorization_code: exchangeAuthorizationCode,
  refresh_token: refreshTokens,
  client_credentials: clientCredentialsGrant,
};

/**
 * Dispatches a token request of an authenticated client by `grant_type`
 * (RFC 6749 §4.1.3, §4.4.2, §6): an unknown type is `unsupported_grant_type`,
 * one the client did not register is `unauthorized_client` (§5.2). The DPoP
 * proof or client certificate that binds the tokens is checked first
 * (RFC 9449 §5, RFC 8705 §3).
 */
export async function handleTokenRequest(request: ClientRequest, deps: TokenDeps): Promise<TokenResponse> {
  const { client, form } = request;
  const grantType = form.get('grant_type');
  if (grantType === undefined) throw new InvalidRequest('grant_type is required (RFC 6749 section 4.1.3)');
  const handler = Object.hasOwn(HANDLERS, grantType) ? HANDLERS[grantType] : undefined;
  if (!handler) throw new UnsupportedGrantType('the grant_type is not supported (RFC 6749 section 5.2)');
  if (!client.grant_types.includes(grantType)) {
    throw new UnauthorizedClient(`the client is not registered for the ${grantType} grant type`);
  }
  return handler(request, deps, await bindTokenRequest(request, deps));
}
