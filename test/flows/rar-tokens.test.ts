import { decodeJwt } from 'jose';
import * as oauth from 'oauth4webapi';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, registerClient } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { authorizeUrl, callbackOf, newBrowser, visit } from '../helpers/interaction';
import { authorizeCapturingConsent, payment, postAs, rarSetup, type RarSetup } from '../helpers/rar';
import { discover, pkce, viaWorker } from '../helpers/rp';

/** Rich Authorization Requests (RFC 9396): consent, and what tokens, refresh and introspection carry. */
const REDIRECT = 'https://rp.example/cb';
let s: RarSetup;
let as: oauth.AuthorizationServer;
beforeAll(async () => {
  s = await rarSetup();
  as = await discover();
});

const pay = (amount = '123.50', extra: Record<string, unknown> = {}) => ({ ...payment(amount, extra), type: s.types.payment });
const account = () => ({ type: s.types.account, actions: ['read'] });

/** PAR with oauth4webapi, login and consent, and the code exchange; returns the token response and the consent page. */
async function authorize(details: unknown[], options: { scope?: string; tokenParams?: Record<string, string>; user?: { username: string; password: string } } = {}) {
  const rp = { client_id: s.client.client_id };
  const auth = oauth.ClientSecretBasic(s.client.client_secret!);
  const { code_verifier, code_challenge } = await pkce();
  const par = await oauth.pushedAuthorizationRequest(as, rp, auth, {
    response_type: 'code', redirect_uri: REDIRECT, scope: options.scope ?? 'openid', code_challenge, code_challenge_method: 'S256',
    authorization_details: JSON.stringify(details),
  }, viaWorker);
  const { request_uri } = await oauth.processPushedAuthorizationResponse(as, rp, par);
  const user = options.user ?? (await createUser());
  const { consent, callback } = await authorizeCapturingConsent(authorizeUrl({ client_id: rp.client_id, request_uri }), user);
  const params = oauth.validateAuthResponse(as, rp, callback.params, oauth.skipStateCheck);
  const response = await oauth.authorizationCodeGrantRequest(as, rp, auth, params, REDIRECT, code_verifier, {
    ...viaWorker, ...(options.tokenParams && { additionalParameters: options.tokenParams }),
  });
  return { rp, auth, consent, response, user };
}

describe('the happy path through PAR with oauth4webapi (RFC 9396 §7, §9.1)', () => {
  it('returns the granted details in the token response and the access token, with the details\' API as aud (RFC 9396 §7, §9.1)', async () => {
    const { rp, response } = await authorize([pay()]);
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp, response);
    expect(tokens.authorization_details).toEqual([pay()]);
    const claims = decodeJwt(tokens.access_token);
    expect(claims.authorization_details).toEqual([pay()]);
    expect(claims.aud).toBe(s.payments.identifier);
  });

  it('shows each detail on the consent page in plain words, values escaped (RFC 9396 §1, OpenID Connect Core §3.1.2.4)', async () => {
    const { consent } = await authorize([pay('99.00', { remittanceInformationUnstructured: '<script>alert(1)</script>' })]);
    expect(consent).not.toBeNull();
    expect(consent).toContain(`data-type="${s.types.payment}"`);
    expect(consent).toContain('Payment initiation');
    expect(consent).toContain('For payments API: A single payment from your account');
    expect(consent).toContain('<dt>Pay to</dt><dd>Merchant A</dd>');
    expect(consent).toContain('<dt>Amount › Sum</dt><dd>99.00</dd>');
    expect(consent).toContain('<dt>actions</dt><dd>initiate, status, cancel</dd>');
    expect(consent).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(consent).not.toContain('<script>alert(1)');
  });

  it('asks for consent again for every request with details, whatever was remembered; prompt=none gets consent_required (RFC 9396 §1)', async () => {
    const user = await createUser();
    const browser = newBrowser();
    const first = await authorize([pay()], { user });
    expect(first.consent).not.toBeNull();
    const { code_challenge } = await pkce();
    const push = async (prompt?: string) => {
      const res = await postAs('/par', s.client, [
        ['response_type', 'code'], ['redirect_uri', REDIRECT], ['scope', 'openid'], ['code_challenge', code_challenge], ['code_challenge_method', 'S256'],
        ['authorization_details', JSON.stringify([pay('1.00')])], ['state', 'st'], ...(prompt ? [['prompt', prompt] as [string, string]] : []),
      ]);
      return ((await res.json()) as { request_uri: string }).request_uri;
    };
    const again = await authorizeCapturingConsent(authorizeUrl({ client_id: s.client.client_id, request_uri: await push() }), user, browser);
    expect(again.consent).toContain('<dd>1.00</dd>');
    const silent = await visit(browser, authorizeUrl({ client_id: s.client.client_id, request_uri: await push('none') }));
    expect((await callbackOf(silent))?.params.get('error')).toBe('consent_required');
  });
});

describe('token requests with authorization_details (RFC 9396 §6.1)', () => {
  it('issues a subset when each requested object equals a granted one, members in any order (RFC 9396 §6.1)', async () => {
    const reordered = { actions: ['read'], type: s.types.account };
    const { rp, response } = await authorize([pay(), account()], { tokenParams: { authorization_details: JSON.stringify([reordered]) } });
    const tokens = await oauth.processAuthorizationCodeResponse(as, rp, response);
    expect(tokens.authorization_details).toEqual([account()]);
    expect(decodeJwt(tokens.access_token).authorization_details).toEqual([account()]);
  });

  it('refuses a detail that was not granted (a superset) with invalid_authorization_details (RFC 9396 §6.1)', async () => {
    const { response } = await authorize([account()], { tokenParams: { authorization_details: JSON.stringify([account(), pay()]) } });
    expect(await errorOf(response)).toMatchObject({ status: 400, error: 'invalid_authorization_details' });
  });

  it('refuses a changed object (a larger amount) with invalid_authorization_details (RFC 9396 §6.1)', async () => {
    const { response } = await authorize([pay('10.00')], { tokenParams: { authorization_details: JSON.stringify([pay('1000.00')]) } });
    expect(await errorOf(response)).toMatchObject({ status: 400, error: 'invalid_authorization_details' });
  });
});

describe('refresh and introspection (RFC 9396 §6.2, §9.2)', () => {
  async function refreshable(details: unknown[]) {
    const { rp, auth, response } = await authorize(details, { scope: 'openid offline_access' });
    return { rp, auth, tokens: await oauth.processAuthorizationCodeResponse(as, rp, response) };
  }

  it('keeps the granted details over refresh (RFC 9396 §6.2)', async () => {
    const { rp, auth, tokens } = await refreshable([pay(), account()]);
    const refreshed = await oauth.processRefreshTokenResponse(as, rp, await oauth.refreshTokenGrantRequest(as, rp, auth, tokens.refresh_token!, viaWorker));
    expect(refreshed.authorization_details).toEqual([pay(), account()]);
    expect(decodeJwt(refreshed.access_token).authorization_details).toEqual([pay(), account()]);
  });

  it('narrows a refresh to a granted subset, and refuses an ungranted detail without costing the refresh token (RFC 9396 §6.2)', async () => {
    const { rp, auth, tokens } = await refreshable([pay(), account()]);
    const refuse = await oauth.refreshTokenGrantRequest(as, rp, auth, tokens.refresh_token!, { ...viaWorker, additionalParameters: { authorization_details: JSON.stringify([pay('5.00')]) } });
    expect(await errorOf(refuse)).toMatchObject({ status: 400, error: 'invalid_authorization_details' });
    const narrowed = await oauth.refreshTokenGrantRequest(as, rp, auth, tokens.refresh_token!, { ...viaWorker, additionalParameters: { authorization_details: JSON.stringify([account()]) } });
    expect((await oauth.processRefreshTokenResponse(as, rp, narrowed)).authorization_details).toEqual([account()]);
  });

  it('shows the details to the API at /introspect, for the access token and the refresh token (RFC 9396 §9.2)', async () => {
    const { tokens } = await refreshable([pay()]);
    const byApi = await postAs('/introspect', s.payments, [['token', tokens.access_token]]);
    expect(await byApi.json()).toMatchObject({ active: true, aud: s.payments.identifier, authorization_details: [pay()] });
    const refresh = await postAs('/introspect', s.client, [['token', tokens.refresh_token!]]);
    expect(await refresh.json()).toMatchObject({ active: true, authorization_details: [pay()] });
  });
});

describe('other grants (RFC 9396 §6)', () => {
  it('refuses authorization_details with client_credentials instead of ignoring them: not supported here', async () => {
    const machine = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], authorization_details_types: [s.types.payment] });
    const res = await postAs('/token', machine, [['grant_type', 'client_credentials'], ['authorization_details', JSON.stringify([pay()])]]);
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_authorization_details' });
  });
});
