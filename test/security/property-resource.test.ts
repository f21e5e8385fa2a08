import fc from 'fast-check';
import { importJWK, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { getServices } from '../../src/storage/services';
import { registerClient } from '../helpers/admin';
import { authorization, encode, formBody, formContentType, fuzzRuns, jwtClaims, METHODS, queryString, value } from '../helpers/arbitraries';
import { applyAuth, authChoice, type AuthClients } from '../helpers/arbitraries-auth';
import { checkJson, DescriptionLog, send, type Sent } from '../helpers/arbitraries-checks';
import { credentialLike } from '../helpers/arbitraries-tokens';
import { issueCode } from '../helpers/grant';
import { clientKey } from '../helpers/jwt';
import { basic, ISSUER, testEnv } from '../helpers/worker';

const REDIRECT = 'https://rp.example/cb';
let clients: AuthClients;
let tokens: { access_token: string; refresh_token: string };

function post(path: string, header: string | undefined, params: Record<string, string>): Promise<Response> {
  const body = Object.entries(params).map(([n, v]) => `${encode(n)}=${encode(v)}`).join('&');
  return send({ method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: header }, body });
}

beforeAll(async () => {
  const key = await clientKey('ES256');
  const grant_types = ['authorization_code', 'refresh_token'];
  const [secret, keyed, pub] = await Promise.all([
    registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types }),
    registerClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, grant_types }),
    registerClient({ token_endpoint_auth_method: 'none', grant_types }),
  ]);
  clients = { secret, keyed, key, pub };
  const issued = await issueCode({ client_id: secret.client_id, scope: 'openid profile offline_access' });
  const res = await post('/token', basic(secret.client_id, secret.client_secret!), {
    grant_type: 'authorization_code', code: issued.code, redirect_uri: REDIRECT, code_verifier: issued.code_verifier,
  });
  expect(res.status).toBe(200);
  tokens = await res.json();
});

/** A JWT signed with this server's own access-token key: arbitrary claims behind a valid signature (defence in depth). */
async function selfSigned(claims: unknown): Promise<string> {
  const ring = await getServices(testEnv).keys.ring();
  const active = ring.active.ES256!;
  const key = await importJWK({ ...active.privateJwk, alg: 'ES256' }, 'ES256');
  const base = { iss: ISSUER, aud: `${ISSUER}/userinfo`, exp: Math.floor(Date.now() / 1000) + 60, iat: Math.floor(Date.now() / 1000), jti: 'j', sub: 's', client_id: clients.secret.client_id };
  const extra = typeof claims === 'object' && claims !== null && !Array.isArray(claims) ? claims : {};
  return new SignJWT({ ...base, ...extra } as never).setProtectedHeader({ alg: 'ES256', kid: active.kid, typ: 'at+jwt' }).sign(key);
}

/** Token values for every endpoint: near misses of the live ones, junk, and self-signed tokens with odd claims. */
function tokenValue() {
  return fc.oneof(
    { weight: 3, arbitrary: credentialLike(tokens.access_token).map((t) => ({ text: t })) },
    { weight: 2, arbitrary: credentialLike(tokens.refresh_token).map((t) => ({ text: t })) },
    { weight: 1, arbitrary: jwtClaims.map((claims) => ({ claims })) },
  );
}

async function tokenText(t: { text: string } | { claims: unknown }): Promise<string> {
  return 'text' in t ? t.text : selfSigned(t.claims);
}

/** Drops what a header value cannot carry (NUL, CR, LF, non-ASCII). */
function headerSafe(text: string): string {
  return [...text].filter((ch) => ch >= ' ' && ch <= '~').join('');
}

const USERINFO_ERRORS = ['invalid_request', 'invalid_token', 'insufficient_scope'];
const BACK_CHANNEL_ERRORS = ['invalid_request', 'invalid_client', 'unsupported_token_type'];

describe('UserInfo, revocation and introspection under bad input (issue 4)', () => {
  it('UserInfo never answers 5xx and refuses with RFC 6750 §3.1 errors', async () => {
    const log = new DescriptionLog();
    const { seed, numRuns } = fuzzRuns(60);
    const request = fc.record({
      method: fc.oneof({ weight: 6, arbitrary: fc.constantFrom('GET', 'POST') }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
      query: fc.oneof(fc.constant(''), queryString),
      header: fc.oneof(authorization, tokenValue().map((t) => ({ bearer: t }))),
      contentType: formContentType,
      body: fc.oneof(fc.constant(''), formBody(), tokenValue().map((t) => ({ form: t }))),
    });
    await fc.assert(
      fc.asyncProperty(request, async (gen) => {
        // Header values must be ByteStrings without CR, LF or NUL; the rest of the token text goes as is.
        const header = typeof gen.header === 'object' ? `Bearer ${headerSafe(await tokenText(gen.header.bearer))}` : gen.header;
        const body = typeof gen.body === 'object' ? `access_token=${encode(await tokenText(gen.body.form))}` : gen.body;
        const sent: Sent = { method: gen.method, path: `/userinfo${gen.query ? `?${gen.query}` : ''}`, headers: { authorization: header, 'content-type': gen.contentType }, body };
        await checkJson(await send(sent), sent, { errors: USERINFO_ERRORS, ok: [200, 204], bare: [401], log });
      }),
      { seed, numRuns },
    );
    console.log(log.summary('/userinfo'));
    expect(log.bad).toEqual([]);
  }, fuzzRuns(60).timeout);

  for (const path of ['/revoke', '/introspect'] as const) {
    it(`${path} never answers 5xx and refuses with RFC-shaped errors; junk revokes nothing (RFC 7009 §2, RFC 7662 §2)`, async () => {
      const log = new DescriptionLog();
      const { seed, numRuns } = fuzzRuns(50);
      const request = fc.record({
        method: fc.oneof({ weight: 9, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
        contentType: formContentType,
        auth: authChoice,
        token: tokenValue(),
        hint: fc.option(fc.oneof(fc.constantFrom('access_token', 'refresh_token'), value), { nil: undefined }),
        body: formBody(),
      });
      await fc.assert(
        fc.asyncProperty(request, async (gen) => {
          const auth = await applyAuth(gen.auth, clients);
          const pairs = Object.entries(auth.params).map(([n, v]) => `${encode(n)}=${encode(v)}`);
          pairs.push(`token=${encode(await tokenText(gen.token))}`);
          if (gen.hint !== undefined) pairs.push(`token_type_hint=${encode(gen.hint)}`);
          if (gen.body) pairs.push(gen.body);
          const sent: Sent = { method: gen.method, path, headers: { 'content-type': gen.contentType, authorization: auth.header }, body: pairs.join('&') };
          await checkJson(await send(sent), sent, { errors: BACK_CHANNEL_ERRORS, ok: [200], log });
        }),
        { seed, numRuns },
      );
      console.log(log.summary(path));
      // Invariant 4: the live tokens survived the stream.
      const userinfo = await send({ method: 'GET', path: '/userinfo', headers: { authorization: `Bearer ${tokens.access_token}` } });
      expect(userinfo.status, await userinfo.clone().text()).toBe(200);
      const introspected = await post('/introspect', basic(clients.secret.client_id, clients.secret.client_secret!), { token: tokens.refresh_token });
      expect(await introspected.json()).toMatchObject({ active: true });
      expect(log.bad).toEqual([]);
    }, fuzzRuns(50).timeout);
  }
});
