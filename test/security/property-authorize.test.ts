import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { badJwt, formBody, formContentType, fuzzRuns, headerValue, jwtClaims, METHODS, value } from '../helpers/arbitraries';
import { signAnything } from '../helpers/arbitraries-auth';
import { checkFrontChannel, send, type Sent } from '../helpers/arbitraries-checks';
import { credentialLike } from '../helpers/arbitraries-tokens';
import { pushRequest } from '../helpers/interaction';
import { clientKey, type ClientKey } from '../helpers/jwt';
import { authzParams } from '../helpers/par';
import { unique } from '../helpers/worker';

/** Registered clients and their redirect URIs: the only places a browser may be sent (RFC 6749 §4.1.2.1, RFC 9700 §4.1.3). */
const registered = new Map<string, string[]>();
let plain: { client_id: string; client_secret?: string };
let parOnly: { client_id: string; client_secret?: string };
let pub: { client_id: string };
let keyed: { client_id: string };
let key: ClientKey;
let requestUri: string;

beforeAll(async () => {
  key = await clientKey('ES256');
  const uris = ['https://rp.example/cb', 'https://rp.example/cb2?x=1'];
  [plain, parOnly, pub, keyed] = await Promise.all([
    registerClient({ token_endpoint_auth_method: 'client_secret_basic', redirect_uris: uris }),
    registerClient({ token_endpoint_auth_method: 'client_secret_basic', require_pushed_authorization_requests: true }),
    registerClient({ token_endpoint_auth_method: 'none', redirect_uris: ['https://rp.example/public'] }),
    registerClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, authorization_signed_response_alg: 'ES256' }),
  ]);
  registered.set(plain.client_id, uris);
  registered.set(parOnly.client_id, ['https://rp.example/cb']);
  registered.set(pub.client_id, ['https://rp.example/public']);
  registered.set(keyed.client_id, ['https://rp.example/cb']);
  requestUri = await pushRequest(parOnly, authzParams({ state: 's', nonce: 'n' }));
});

const REDIRECTS = [
  'https://rp.example/cb', 'https://rp.example/cb2?x=1', 'https://rp.example/public', 'https://evil.example/cb', 'https://rp.example/cb/',
  'https://rp.example/cb2', 'https://rp.example/cb2?x=1&y=2', 'https://rp.example/cb#x', 'https://rp.example:443/cb', 'https://RP.example/cb',
  'https://rp.example/cb/../evil', 'https://rp.example%2F@evil.example/cb', '//evil.example/cb', 'http://rp.example/cb', 'javascript:alert(1)',
];
const RESPONSE_MODES = ['query', 'fragment', 'form_post', 'jwt', 'query.jwt', 'fragment.jwt', 'form_post.jwt', 'web_message', ''];

/** The authorization request parameters of one run, around a valid request of one of the clients. */
function authorizeParams() {
  return fc
    .record({
      client: fc.constantFrom('plain', 'parOnly', 'pub', 'keyed', 'unknown'),
      redirect: fc.oneof({ weight: 3, arbitrary: fc.constant('own') }, { weight: 2, arbitrary: fc.constantFrom(...REDIRECTS) }),
      mode: fc.option(fc.constantFrom(...RESPONSE_MODES), { nil: undefined }),
      prompt: fc.option(fc.oneof(fc.constantFrom('none', 'login', 'consent', 'none login', 'select_account'), value), { nil: undefined }),
      requestUri: fc.option(fc.oneof(fc.constant('real'), credentialLike('urn:ietf:params:oauth:request_uri:' + 'A'.repeat(43))), { nil: undefined }),
      request: fc.option(fc.oneof(badJwt.map((jwt) => ({ jwt })), jwtClaims.map((claims) => ({ claims }))), { nil: undefined, freq: 4 }),
      idTokenHint: fc.option(badJwt, { nil: undefined, freq: 4 }),
    })
    .map((g) => {
      const client_id = g.client === 'unknown' ? unique('nobody')
        : ({ plain, parOnly, pub, keyed } as Record<string, { client_id: string }>)[g.client]!.client_id;
      const redirect_uri = g.redirect === 'own' ? (registered.get(client_id)?.[0] ?? REDIRECTS[0]!) : g.redirect;
      const base: Record<string, string> = { ...authzParams({ client_id, redirect_uri, state: 'st', nonce: 'n' }) };
      if (g.mode !== undefined) base.response_mode = g.mode;
      if (g.prompt !== undefined) base.prompt = g.prompt;
      if (g.idTokenHint !== undefined) base.id_token_hint = g.idTokenHint;
      if (g.requestUri !== undefined) base.request_uri = g.requestUri === 'real' ? requestUri : g.requestUri;
      return { base, request: g.request };
    });
}

const cookie = fc.option(
  fc.oneof(
    headerValue.map((v) => `__Host-portcullis_session=${v.replace(/[;\s]/g, '')}`),
    headerValue.map((v) => `__Host-portcullis_interaction=${v.replace(/[;\s]/g, '')}`),
    headerValue,
  ),
  { nil: undefined },
);

describe('authorization endpoint under bad input (RFC 6749 §3.1, §4.1.2.1; issue 4)', () => {
  it('answers an HTML page or redirects only to a redirect_uri registered for the named client, never 5xx', async () => {
    const { seed, numRuns } = fuzzRuns(60);
    const request = authorizeParams().chain(({ base, request }) =>
      fc.record({
        method: fc.oneof({ weight: 5, arbitrary: fc.constant('GET') }, { weight: 3, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
        params: formBody(base),
        contentType: formContentType,
        cookie,
        request: fc.constant(request),
      }),
    );
    const outcomes = new Map<string, number>();
    await fc.assert(
      fc.asyncProperty(request, async (gen) => {
        let params = gen.params;
        if (gen.request) {
          const jwt = 'jwt' in gen.request ? gen.request.jwt : await signAnything(gen.request.claims, key);
          params += `&request=${encodeURIComponent(jwt)}`;
        }
        const query = gen.method === 'POST' ? '' : `?${params}`;
        const sent: Sent = {
          method: gen.method, path: `/authorize${query}`, body: gen.method === 'POST' ? params : undefined,
          headers: { 'content-type': gen.method === 'POST' ? gen.contentType : undefined, cookie: gen.cookie },
        };
        let clientId: string | undefined;
        try {
          clientId = new URLSearchParams(params).getAll('client_id').at(-1);
        } catch {
          clientId = undefined;
        }
        const { status, destination } = await checkFrontChannel(await send(sent), sent, registered, clientId);
        const outcome = `${status} ${destination === null ? 'page' : new URL(destination).origin === 'https://op.example' ? 'self' : 'client'}`;
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
      }),
      { seed, numRuns },
    );
    console.log(`/authorize: ${[...outcomes].map(([k, n]) => `${k}×${n}`).join(', ')}`);
    expect(outcomes.size).toBeGreaterThan(0);
  }, fuzzRuns(60).timeout);
});
