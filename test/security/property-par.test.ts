import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { badJwt, encode, formBody, formContentType, fuzzRuns, jwtClaims, METHODS } from '../helpers/arbitraries';
import { applyAuth, authChoice, signAnything, type AuthClients } from '../helpers/arbitraries-auth';
import { checkJson, DescriptionLog, send, type Sent } from '../helpers/arbitraries-checks';
import { clientKey, requestObject } from '../helpers/jwt';
import { authzParams, parKeys, storedSince } from '../helpers/par';

/** RFC 9126 §2.3: the PAR endpoint answers the token endpoint's and the authorization endpoint's error codes. */
// invalid_target: a malformed, unknown or unpermitted `resource` (RFC 8707 §2), which fuzzed bodies may carry.
const PAR_ERRORS = ['invalid_request', 'invalid_client', 'unauthorized_client', 'unsupported_response_type', 'invalid_scope', 'invalid_request_object', 'invalid_request_uri', 'invalid_target'];

let clients: AuthClients;

beforeAll(async () => {
  const key = await clientKey('ES256');
  const [secret, keyed, pub] = await Promise.all([
    registerClient({ token_endpoint_auth_method: 'client_secret_basic' }),
    registerClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] } }),
    registerClient({ token_endpoint_auth_method: 'none' }),
  ]);
  clients = { secret, keyed, key, pub };
});

/** The signed `request` object variants: junk text, or signed by the keyed client with arbitrary claims. */
const requestParam = fc.oneof(
  fc.constant(undefined),
  badJwt.map((jwt) => ({ jwt })),
  jwtClaims.map((claims) => ({ claims })),
  jwtClaims.map((claims) => ({ merged: claims })),
);

const parRequest = fc.record({
  method: fc.oneof({ weight: 9, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
  contentType: formContentType,
  auth: authChoice,
  body: formBody(authzParams({ state: 'st', nonce: 'n' })),
  request: requestParam,
});

describe('PAR endpoint under bad input (RFC 9126 §2; issue 4)', () => {
  it('never answers 5xx, refuses with RFC-shaped errors and stores nothing it refused (RFC 9126 §2.3, RFC 6749 §5.2)', async () => {
    const log = new DescriptionLog();
    const ids = [clients.secret.client_id, clients.keyed.client_id, clients.pub.client_id];
    const before = await parKeys();
    let accepted = 0;
    const { seed, numRuns } = fuzzRuns(60);
    await fc.assert(
      fc.asyncProperty(parRequest, async (gen) => {
        const auth = await applyAuth(gen.auth, clients);
        const pairs = Object.entries(auth.params).map(([n, v]) => `${encode(n)}=${encode(v)}`);
        if (gen.request) {
          const jwt = 'jwt' in gen.request ? gen.request.jwt
            : 'claims' in gen.request ? await signAnything(gen.request.claims, clients.key, { typ: 'oauth-authz-req+jwt' })
            : await requestObject(clients.keyed.client_id, clients.key, { ...authzParams(), ...(typeof gen.request.merged === 'object' && gen.request.merged !== null ? gen.request.merged : {}) } as never);
          pairs.push(`request=${encode(jwt)}`);
        }
        if (gen.body) pairs.push(gen.body);
        const sent: Sent = { method: gen.method, path: '/par', headers: { 'content-type': gen.contentType, authorization: auth.header }, body: pairs.join('&') };
        const { status } = await checkJson(await send(sent), sent, { errors: PAR_ERRORS, ok: [201], log });
        if (status === 201) accepted++;
      }),
      { seed, numRuns },
    );
    // Invariant 4: exactly one stored pushed request per 201, none for any refusal.
    console.log(log.summary('POST /par'));
    expect((await storedSince(before, ids)).length).toBe(accepted);
    expect(log.bad).toEqual([]);
  }, fuzzRuns(60).timeout);
});
