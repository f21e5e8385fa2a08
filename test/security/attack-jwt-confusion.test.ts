import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createUser } from '../helpers/admin';
import { codeRequest, confidential, honestTokens, postBasic, REDIRECT, refreshBasic, redeemBasic, userinfoStatus } from '../helpers/attack';
import { clientAssertion, clientKey, requestObject } from '../helpers/jwt';
import { authorizeUrl, loginAndConsent, newBrowser, pushRequest, visit } from '../helpers/interaction';
import { pkce } from '../helpers/rp';
import { call, form, ISSUER } from '../helpers/worker';
import { expectJsonError } from '../helpers/errors';

/**
 * Attack catalogue: cross-JWT confusion (RFC 8725 §2.8, §3.11, §3.12): a JWT
 * this server or a client signed for one purpose, presented for another. The
 * token kinds: ID token (typ JWT, aud client), access token (typ at+jwt, aud
 * /userinfo), JARM response (aud client, no sub), client assertion, request object.
 */
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

async function keyedClient() {
  const key = await clientKey('ES256');
  const reg = await confidential({
    token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, grant_types: ['authorization_code', 'refresh_token', 'client_credentials'], scope: 'openid profile offline_access api',
  });
  return { reg, key };
}

function assertionAuth(assertion: string): Record<string, string> {
  return { client_assertion_type: JWT_BEARER, client_assertion: assertion };
}

/** Tokens of an honest flow of a client_secret_basic client. */
async function issuedTokens() {
  const reg = await confidential();
  const flow = await honestTokens(reg);
  return { reg, ...flow };
}

describe('cross-JWT confusion (RFC 8725 §2.8, §3.11)', () => {
  it('RFC 8725 §2.8 — an ID token issued by Portcullis is refused as a client assertion (invalid_client)', async () => {
    const { reg, tokens } = await issuedTokens();
    // Without client_id the assertion's sub (the user) names the client: unknown, 401.
    const res = await call('/token', form({ grant_type: 'client_credentials', ...assertionAuth(tokens.id_token!) }));
    expect(await expectJsonError(res, 401)).toBe('invalid_client');
    // With the victim's client_id beside it, the sub mismatch is refused before any key is tried.
    const named = await call('/token', form({ grant_type: 'client_credentials', client_id: reg.client_id, ...assertionAuth(tokens.id_token!) }));
    expect(await expectJsonError(named, 400)).toBe('invalid_request');
  });

  it('RFC 8725 §2.8 — a client_credentials access token (sub = the client) is refused as that client\'s assertion (invalid_client)', async () => {
    const { reg, key } = await keyedClient();
    const issued = await call('/token', form({ grant_type: 'client_credentials', scope: 'api', ...assertionAuth(await clientAssertion(reg.client_id, key)) }));
    const { access_token } = (await issued.json()) as { access_token: string };
    expect(decodeJwt(access_token).sub).toBe(reg.client_id);
    const res = await call('/token', form({ grant_type: 'client_credentials', scope: 'api', ...assertionAuth(access_token) }));
    expect(await expectJsonError(res, 401)).toBe('invalid_client');
  });

  it('RFC 8725 §2.8 — an ID token issued by Portcullis is refused as a request object (invalid_request_object)', async () => {
    const { reg, tokens } = await issuedTokens();
    expect(await expectJsonError(await postBasic('/par', { request: tokens.id_token! }, reg), 400)).toBe('invalid_request_object');
  });

  it('RFC 9068 §4 — an ID token presented as a bearer access token at /userinfo is 401 invalid_token', async () => {
    const { tokens } = await issuedTokens();
    const res = await call('/userinfo', { headers: { authorization: `Bearer ${tokens.id_token}` } });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('RFC 7662 §2.2 — an ID token presented at /introspect is {"active": false}', async () => {
    const { reg, tokens } = await issuedTokens();
    expect(await (await postBasic('/introspect', { token: tokens.id_token! }, reg)).json()).toEqual({ active: false });
  });

  it('RFC 6749 §6 — an access token presented as a refresh token is invalid_grant; a refresh token as a bearer token is 401', async () => {
    const { reg, tokens } = await issuedTokens();
    expect(await expectJsonError(await refreshBasic(reg, tokens.access_token), 400)).toBe('invalid_grant');
    expect(await userinfoStatus(tokens.refresh_token!)).toBe(401);
  });

  it('RFC 6749 §4.1.3 — a refresh token presented as an authorization code is invalid_grant', async () => {
    const { reg, tokens, code_verifier } = await issuedTokens();
    expect(await expectJsonError(await redeemBasic(reg, tokens.refresh_token!, code_verifier), 400)).toBe('invalid_grant');
  });

  it('OIDC Core §3.1.2.1 — an access token presented as id_token_hint at /authorize is refused (invalid_request) and yields no code (oidcc-id-token-hint)', async () => {
    const { reg, tokens, user, browser } = await issuedTokens();
    const request_uri = await pushRequest(reg, codeRequest((await pkce()).code_challenge, { id_token_hint: tokens.access_token, prompt: 'none' }));
    const res = await visit(browser, authorizeUrl({ client_id: reg.client_id, request_uri }));
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.has('code')).toBe(false);
    // Control: the real ID token is a valid hint for the same signed-in user.
    const ok = await pushRequest(reg, codeRequest((await pkce()).code_challenge, { id_token_hint: tokens.id_token!, prompt: 'none' }));
    const cb = new URL((await visit(browser, authorizeUrl({ client_id: reg.client_id, request_uri: ok }))).headers.get('location')!);
    expect(cb.searchParams.get('code')).toBeTruthy();
    expect(user.sub).toBe(decodeJwt(tokens.id_token!).sub);
  });

  it('OIDC Core §3.1.2.1 — an ID token issued to another client is refused as id_token_hint (invalid_request)', async () => {
    const { tokens, browser } = await issuedTokens();
    const other = await confidential();
    const request_uri = await pushRequest(other, codeRequest((await pkce()).code_challenge, { id_token_hint: tokens.id_token!, prompt: 'none' }));
    const location = new URL((await visit(browser, authorizeUrl({ client_id: other.client_id, request_uri }))).headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.has('code')).toBe(false);
  });

  it('JARM §2.1 — a JARM response JWT (signed by Portcullis, aud = client) is refused as id_token_hint (invalid_request)', async () => {
    const reg = await confidential();
    const user = await createUser();
    const browser = newBrowser();
    const first = await pushRequest(reg, codeRequest((await pkce()).code_challenge, { response_mode: 'query.jwt' }));
    const jarm = (await loginAndConsent(authorizeUrl({ client_id: reg.client_id, request_uri: first }), user, { browser })).params.get('response')!;
    expect(decodeJwt(jarm)).toMatchObject({ iss: ISSUER, aud: reg.client_id });
    const request_uri = await pushRequest(reg, codeRequest((await pkce()).code_challenge, { id_token_hint: jarm, prompt: 'none' }));
    const location = new URL((await visit(browser, authorizeUrl({ client_id: reg.client_id, request_uri }))).headers.get('location')!);
    expect(location.searchParams.get('error')).toBe('invalid_request');
  });

  it('RFC 8725 §3.11 — a client assertion replayed as a request object is refused (invalid_request_object)', async () => {
    const { reg, key } = await keyedClient();
    const assertion = await clientAssertion(reg.client_id, key);
    const res = await call('/par', form({ ...assertionAuth(await clientAssertion(reg.client_id, key)), request: assertion }));
    expect(await expectJsonError(res, 400)).toBe('invalid_request_object');
  });

  it('RFC 8725 §3.11 — a request object (typ oauth-authz-req+jwt) replayed as a client assertion is refused (invalid_client)', async () => {
    const { reg, key } = await keyedClient();
    // A request object that happens to carry every claim a client assertion needs (sub, jti), as seen in a front-channel URL.
    const request = await requestObject(reg.client_id, key, { ...codeRequest((await pkce()).code_challenge), sub: reg.client_id, jti: crypto.randomUUID() });
    const res = await call('/token', form({ grant_type: 'client_credentials', scope: 'api', ...assertionAuth(request) }));
    expect(await expectJsonError(res, 401)).toBe('invalid_client');
  });
});
