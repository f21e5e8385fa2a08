import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createUser, registerClient } from '../helpers/admin';
import { clientKey } from '../helpers/jwt';
import { loginAndConsent } from '../helpers/interaction';
import { discover, pkce, viaWorker } from '../helpers/rp';
import { announceSecret } from '../helpers/secrets';

/**
 * The whole flow of the seeds (000: PAR → authorize → login & consent → code →
 * token with PKCE → ID token → userinfo), with oauth4webapi as the relying
 * party validating every response strictly, through the real login and
 * consent pages.
 */
type Auth = 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';

async function setup(method: Auth) {
  const as = await discover();
  const key = method === 'private_key_jwt' ? await clientKey('ES256') : undefined;
  const reg = await registerClient({
    token_endpoint_auth_method: method,
    grant_types: ['authorization_code', 'refresh_token'],
    require_pushed_authorization_requests: true,
    ...(key && { jwks: { keys: [key.publicJwk] } }),
  });
  const client: oauth.Client = { client_id: reg.client_id };
  const auth =
    method === 'client_secret_basic' ? oauth.ClientSecretBasic(reg.client_secret!)
    : method === 'client_secret_post' ? oauth.ClientSecretPost(reg.client_secret!)
    : method === 'private_key_jwt' ? oauth.PrivateKeyJwt({ key: key!.privateKey, kid: key!.kid })
    : oauth.None();
  const user = await createUser(undefined, undefined, { name: 'Grace Hopper', email: 'grace@example.org', email_verified: true });
  return { as, client, auth, user };
}

describe('authorization code flow end to end with oauth4webapi (RFC 9126, RFC 6749 §4.1, RFC 7636, OIDC Core §3.1)', () => {
  it.each<Auth>(['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'])(
    'PAR → login → consent → token → userinfo → refresh → revoke with %s',
    async (method) => {
      const { as, client, auth, user } = await setup(method);
      const { code_verifier, code_challenge } = await pkce();
      const state = oauth.generateRandomState();
      const nonce = oauth.generateRandomNonce();
      const redirect_uri = 'https://rp.example/cb';

      const pushed = await oauth.pushedAuthorizationRequest(as, client, auth, {
        response_type: 'code', redirect_uri, scope: 'openid profile email offline_access', state, nonce,
        code_challenge, code_challenge_method: 'S256', prompt: 'consent', max_age: '300',
      }, viaWorker);
      const { request_uri } = await oauth.processPushedAuthorizationResponse(as, client, pushed);

      const authorize = new URL(as.authorization_endpoint!);
      authorize.searchParams.set('client_id', client.client_id);
      authorize.searchParams.set('request_uri', request_uri);
      const callback = await loginAndConsent(authorize, user);
      expect(callback.url.origin + callback.url.pathname).toBe(redirect_uri);
      const params = oauth.validateAuthResponse(as, client, callback.url, state);
      announceSecret(params.get('code') ?? undefined);

      const tokenResponse = await oauth.authorizationCodeGrantRequest(as, client, auth, params, redirect_uri, code_verifier, viaWorker);
      const tokens = await oauth.processAuthorizationCodeResponse(as, client, tokenResponse, { expectedNonce: nonce, requireIdToken: true, maxAge: 300 });
      expect(tokens.token_type).toBe('bearer');
      expect(tokens.refresh_token).toBeTypeOf('string');
      const claims = oauth.getValidatedIdTokenClaims(tokens)!;
      expect(claims).toMatchObject({ iss: as.issuer, aud: client.client_id, sub: user.sub, nonce });
      expect(claims.auth_time).toBeTypeOf('number'); // max_age was sent: auth_time is required (OIDC Core §2)

      const info = await oauth.processUserInfoResponse(as, client, user.sub, await oauth.userInfoRequest(as, client, tokens.access_token, viaWorker));
      expect(info).toMatchObject({ sub: user.sub, name: 'Grace Hopper', email: 'grace@example.org', email_verified: true });

      const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token!, viaWorker));
      expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);

      await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, refreshed.refresh_token!, viaWorker));
      const after = await oauth.userInfoRequest(as, client, refreshed.access_token, viaWorker);
      expect(after.status).toBe(401);
      expect(after.headers.get('www-authenticate')).toContain('error="invalid_token"');
    },
  );

  it('a second completed use of the same request_uri fails (RFC 9126 §4, DESIGN.md: consumed when the code is issued)', async () => {
    const { as, client, auth, user } = await setup('client_secret_basic');
    const { code_challenge } = await pkce();
    const pushed = await oauth.pushedAuthorizationRequest(as, client, auth, {
      response_type: 'code', redirect_uri: 'https://rp.example/cb', scope: 'openid', code_challenge, code_challenge_method: 'S256', state: 's1',
    }, viaWorker);
    const { request_uri } = await oauth.processPushedAuthorizationResponse(as, client, pushed);
    const authorize = new URL(as.authorization_endpoint!);
    authorize.searchParams.set('client_id', client.client_id);
    authorize.searchParams.set('request_uri', request_uri);
    const first = await loginAndConsent(authorize, user);
    expect(first.params.get('code')).toBeTruthy();
    const second = await loginAndConsent(authorize, user);
    expect(second.params.get('code')).toBeNull();
    expect(second.params.get('error')).toBe('invalid_request_uri');
    expect(second.params.get('state')).toBe('s1');
    expect(second.params.get('iss')).toBe(as.issuer);
  });
});
