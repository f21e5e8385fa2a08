import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { encode, formBody, formContentType, fuzzRuns, METHODS, value } from '../helpers/arbitraries';
import { applyAuth, authChoice, type AuthChoice, type AuthClients } from '../helpers/arbitraries-auth';
import { checkJson, DescriptionLog, send, type Sent } from '../helpers/arbitraries-checks';
import { credentialLike, nearMiss } from '../helpers/arbitraries-tokens';
import { issueCode, type IssuedCode } from '../helpers/grant';
import { clientKey } from '../helpers/jwt';
import { basic } from '../helpers/worker';

/** RFC 6749 §5.2: every error code the token endpoint may answer. */
// invalid_target: a malformed, unknown or unpermitted `resource` (RFC 8707 §2), which fuzzed bodies may carry.
const TOKEN_ERRORS = ['invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope', 'invalid_target'];
const REDIRECT = 'https://rp.example/cb';
const SCOPE = 'openid profile offline_access';

let clients: AuthClients;
/** A code that no generated request may redeem (its verifier is never sent), redeemed at the end. */
let planted: IssuedCode;
/** A live refresh token, refreshed at the end. */
let refreshToken: string;

function tokenPost(auth: { header?: string; params: Record<string, string> }, params: Record<string, string>): Promise<Response> {
  const body = [...Object.entries(auth.params), ...Object.entries(params)].map(([n, v]) => `${encode(n)}=${encode(v)}`).join('&');
  return send({ method: 'POST', path: '/token', headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth.header }, body });
}

beforeAll(async () => {
  const key = await clientKey('ES256');
  const grant_types = ['authorization_code', 'refresh_token', 'client_credentials'];
  const scope = 'openid profile email offline_access api:read';
  const [secret, keyed, pub] = await Promise.all([
    registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types, scope }),
    registerClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, grant_types, scope }),
    registerClient({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'], scope }),
  ]);
  clients = { secret, keyed, key, pub };
  planted = await issueCode({ client_id: secret.client_id, scope: SCOPE });
  const other = await issueCode({ client_id: secret.client_id, scope: SCOPE, sub: planted.sub });
  const res = await tokenPost({ header: basic(secret.client_id, secret.client_secret!), params: {} }, {
    grant_type: 'authorization_code', code: other.code, redirect_uri: REDIRECT, code_verifier: other.code_verifier,
  });
  expect(res.status).toBe(200);
  refreshToken = ((await res.json()) as { refresh_token: string }).refresh_token;
});

/** Auth choices that fail before the grant is touched: the real refresh token may only travel with these. */
const failingAuth: fc.Arbitrary<AuthChoice> = authChoice.filter((a) => a.kind === 'wrong-secret' || a.kind === 'header' || a.kind === 'assertion');

/** The token requests of one run: every grant type, with near misses of the planted code and refresh token. */
function tokenRequests() {
  const code = fc.oneof({ weight: 2, arbitrary: fc.constant(planted.code) }, { weight: 3, arbitrary: credentialLike(planted.code) });
  // The planted verifier itself is never generated: no request here can redeem the planted code.
  const verifier = fc.oneof(nearMiss(planted.code_verifier), value, fc.constant(undefined));
  const grant = fc.oneof(
    fc.record({ code, verifier, redirect: fc.constantFrom(REDIRECT, `${REDIRECT}/`, 'https://evil.example/cb') }).map((g) => ({
      auth: authChoice,
      base: { grant_type: 'authorization_code', code: g.code, redirect_uri: g.redirect, ...(g.verifier !== undefined && { code_verifier: g.verifier }) },
    })),
    fc.record({ token: credentialLike(refreshToken), scope: fc.option(value, { nil: undefined }) }).map((g) => ({
      auth: authChoice,
      base: { grant_type: 'refresh_token', refresh_token: g.token, ...(g.scope !== undefined && { scope: g.scope }) },
    })),
    // The real refresh token, only where the request fails before rotation: bad client authentication.
    fc.constant({ auth: failingAuth, base: { grant_type: 'refresh_token', refresh_token: refreshToken } }),
    fc.option(value, { nil: undefined }).map((scope) => ({ auth: authChoice, base: { grant_type: 'client_credentials', ...(scope !== undefined && { scope }) } })),
    value.map((grant_type) => ({ auth: authChoice, base: { grant_type } })),
  );
  return grant.chain(({ auth, base }) =>
    fc.record({
      method: fc.oneof({ weight: 9, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      contentType: formContentType,
      auth,
      body: formBody(base).map((body) =>
        // A generated body must not swap the real refresh token into a request with working authentication.
        (base as Record<string, string>).refresh_token === refreshToken ? body : body.replaceAll(encode(refreshToken), 'x')),
    }),
  );
}

describe('token endpoint under bad input (RFC 6749 §3.2, §5.2; issue 4)', () => {
  it('never answers 5xx, refuses with RFC-shaped errors, and a refused stream leaves the planted code and refresh token usable', async () => {
    const log = new DescriptionLog();
    const { seed, numRuns } = fuzzRuns(80);
    await fc.assert(
      fc.asyncProperty(tokenRequests(), async (gen) => {
        const auth = await applyAuth(gen.auth, clients);
        const pairs = Object.entries(auth.params).map(([n, v]) => `${encode(n)}=${encode(v)}`);
        if (gen.body) pairs.push(gen.body);
        const sent: Sent = { method: gen.method, path: '/token', headers: { 'content-type': gen.contentType, authorization: auth.header }, body: pairs.join('&') };
        await checkJson(await send(sent), sent, { errors: TOKEN_ERRORS, ok: [200], log });
      }),
      { seed, numRuns },
    );
    console.log(log.summary('POST /token'));
    // Invariant 4: nothing a refused request did cost the client its code or its refresh token.
    const secretAuth = { header: basic(clients.secret.client_id, clients.secret.client_secret!), params: {} };
    const redeemed = await tokenPost(secretAuth, { grant_type: 'authorization_code', code: planted.code, redirect_uri: REDIRECT, code_verifier: planted.code_verifier });
    expect(redeemed.status, await redeemed.clone().text()).toBe(200);
    const refreshed = await tokenPost(secretAuth, { grant_type: 'refresh_token', refresh_token: refreshToken });
    expect(refreshed.status, await refreshed.clone().text()).toBe(200);
    expect(log.bad).toEqual([]);
  }, fuzzRuns(80).timeout);
});
