/* global window, document, sessionStorage, location */
// A single-page application as a browser-based public client (OAuth 2.0 for
// Browser-Based Applications): oauth4webapi in the page, every call a
// cross-origin fetch to the provider. The test reads `window.spa`.
import * as oauth from '/oauth4webapi.js';

const cfg = JSON.parse(document.getElementById('config').textContent);
const issuer = new URL(cfg.issuer);
// A local `wrangler dev` issuer is http://localhost:<port>: oauth4webapi refuses http without this option.
const opts = { [oauth.allowInsecureRequests]: true };
const client = { client_id: cfg.client_id };
const auth = oauth.None();

async function discover() {
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { ...opts, algorithm: 'oidc' }));
}

/** Builds the authorization request (PKCE S256, pushed or in the query) and returns where to send the browser. */
async function start(usePar) {
  const as = await discover();
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const nonce = oauth.generateRandomNonce();
  sessionStorage.setItem('flow', JSON.stringify({ verifier, state, nonce }));
  const params = new URLSearchParams({
    response_type: 'code', redirect_uri: cfg.redirect_uri, scope: 'openid profile offline_access', prompt: 'consent', state, nonce,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
  });
  const url = new URL(as.authorization_endpoint);
  url.searchParams.set('client_id', client.client_id);
  if (usePar) {
    const pushed = await oauth.processPushedAuthorizationResponse(as, client, await oauth.pushedAuthorizationRequest(as, client, auth, params, opts));
    url.searchParams.set('request_uri', pushed.request_uri);
  } else {
    for (const [k, v] of params) url.searchParams.set(k, v);
  }
  return url.href;
}

/** On the redirect back: code exchange, UserInfo, refresh (rotated), revocation, then a refused refresh. */
async function finish() {
  const flow = JSON.parse(sessionStorage.getItem('flow'));
  const as = await discover();
  const params = oauth.validateAuthResponse(as, client, new URL(location.href), flow.state);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client,
    await oauth.authorizationCodeGrantRequest(as, client, auth, params, cfg.redirect_uri, flow.verifier, opts),
    { expectedNonce: flow.nonce, requireIdToken: true });
  const claims = oauth.getValidatedIdTokenClaims(tokens);
  const userinfo = await oauth.processUserInfoResponse(as, client, claims.sub, await oauth.userInfoRequest(as, client, tokens.access_token, opts));
  const refreshed = await oauth.processRefreshTokenResponse(as, client, await oauth.refreshTokenGrantRequest(as, client, auth, tokens.refresh_token, opts));
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, auth, refreshed.refresh_token, opts));
  const again = await oauth.refreshTokenGrantRequest(as, client, auth, refreshed.refresh_token, opts);
  let afterRevocation;
  try {
    await oauth.processRefreshTokenResponse(as, client, again);
  } catch (e) {
    afterRevocation = e.error;
  }
  return {
    iss: params.get('iss'), sub: claims.sub, name: userinfo.name, token_type: tokens.token_type,
    rotated: typeof refreshed.refresh_token === 'string' && refreshed.refresh_token !== tokens.refresh_token,
    refreshed_access_token: typeof refreshed.access_token === 'string', afterRevocation,
  };
}

const describe = (e) => `${e.name}: ${e.message}`;

/** Calls /par and /token with a bogus code: readable answers from a registered origin, CORS failures elsewhere. */
async function probe() {
  const as = await discover();
  const out = { discovery: as.issuer };
  try {
    const res = await oauth.pushedAuthorizationRequest(as, client, auth, new URLSearchParams({
      response_type: 'code', redirect_uri: cfg.redirect_uri, scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
    }), opts);
    out.par = res.status;
  } catch (e) {
    out.par = describe(e);
  }
  const callback = oauth.validateAuthResponse(as, client, new URLSearchParams({ code: 'bogus', iss: as.issuer }), oauth.skipStateCheck);
  try {
    const res = await oauth.authorizationCodeGrantRequest(as, client, auth, callback, cfg.redirect_uri, 'a'.repeat(43), opts);
    out.token = { status: res.status, error: (await res.json()).error };
  } catch (e) {
    out.token = describe(e);
  }
  return out;
}

window.spa = { start, probe, result: location.pathname === '/cb' ? finish().catch((e) => ({ failed: describe(e), error: e.error, cause: e.cause?.error })) : null };
