import * as oauth from 'oauth4webapi';
import { describe, it } from 'vitest';
import { issueAuthorizationCode } from '../../src/oauth/authorization-code';
import { createApp } from '../../src/app';
import { signJwt } from '../../src/crypto/jwt';
import type { StoredClient } from '../../src/oauth/types';
import { getServices } from '../../src/storage/services';
import { registerClient } from '../../test/helpers/admin';
import { issueCode } from '../../test/helpers/grant';
import { basic, form, ISSUER, testEnv } from '../../test/helpers/worker';
import { stubStorage } from './memory-ports';

/**
 * Where a refresh's time goes (issue 13: refresh was the one endpoint over
 * 5 ms of CPU in the load run). Measurement only, never asserted: chains of
 * refreshes through `createApp().fetch`, on the real local bindings and with
 * storage stubbed (bench/in-process/memory-ports.ts), interleaved so each
 * variant sees the same machine load; each figure is the median of the
 * batches. Variants: the default RS256 ID token, an ES256 ID token, no ID
 * token (scope without `openid`), and the two signatures alone.
 */
const FULL = (testEnv as unknown as { PERF_FULL?: string }).PERF_FULL === 'true';
const N = FULL ? 100 : 5;
const ROUNDS = FULL ? 7 : 1;
const app = createApp();

async function refreshChain(env: typeof testEnv, metadata: Record<string, unknown>, scope: string) {
  const post = (params: Record<string, string>, auth: string) => {
    const init = form(params);
    return app.fetch(new Request(`${ISSUER}/token`, { ...init, headers: { ...(init.headers as Record<string, string>), authorization: auth } }), env);
  };
  const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], ...metadata });
  const auth = basic(reg.client_id, reg.client_secret!);
  return { reg, auth, post, scope, start: async () => {
    const issued = await issueCode({ client_id: reg.client_id, scope });
    const res = await post({ grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier }, auth);
    let token = ((await res.json()) as { refresh_token: string }).refresh_token;
    return async () => {
      const r = await post({ grant_type: 'refresh_token', refresh_token: token }, auth);
      const body = (await r.json()) as { refresh_token: string };
      if (r.status !== 200) throw new Error(JSON.stringify(body));
      token = body.refresh_token;
    };
  } };
}

describe('refresh CPU (measurement only)', () => {
  it('splits a refresh into storage, signatures and the rest', { timeout: 600_000 }, async () => {
    const real = { ...testEnv, PAR_RATE_LIMIT: undefined } as typeof testEnv;
    const variants: Record<string, () => Promise<unknown>> = {};
    const rs = await refreshChain(real, {}, 'openid profile offline_access');
    variants['real bindings, RS256 ID token (default)'] = await rs.start();
    const es = await refreshChain(real, { id_token_signed_response_alg: 'ES256' }, 'openid profile offline_access');
    variants['real bindings, ES256 ID token'] = await es.start();

    // Storage stubbed: the same requests against services whose ports are in memory; the grant is re-made there.
    const stubbed = { ...testEnv, PAR_RATE_LIMIT: undefined } as typeof testEnv;
    const services = getServices(stubbed);
    await services.keys.ring();
    const chains = {
      'stubbed, RS256 ID token (default)': await refreshChain(stubbed, {}, 'openid profile offline_access'),
      'stubbed, ES256 ID token': await refreshChain(stubbed, { id_token_signed_response_alg: 'ES256' }, 'openid profile offline_access'),
      'stubbed, no ID token (no openid)': await refreshChain(stubbed, {}, 'profile offline_access'),
    };
    const clients = await Promise.all(Object.values(chains).map(async (c) => (await getServices(testEnv).clients.get(c.reg.client_id)) as StoredClient));
    stubStorage(services, clients, []);
    // test/helpers/grant.ts issueCode writes through the real bindings; here the code is issued in the stubbed services.
    for (const [name, chain] of Object.entries(chains)) variants[name] = await startStubbed(chain, services);
    variants['RS256 signature alone'] = () => signJwt({ sub: 's' }, 'RS256', services.keys);
    variants['ES256 signature alone'] = () => signJwt({ sub: 's' }, 'ES256', services.keys, 'at+jwt');

    const times: Record<string, number[]> = {};
    for (const run of Object.values(variants)) for (let i = 0; i < 5; i++) await run();
    for (let r = 0; r < ROUNDS; r++) {
      for (const [name, run] of Object.entries(variants)) {
        const start = performance.now();
        for (let i = 0; i < N; i++) await run();
        (times[name] ??= []).push((performance.now() - start) / N);
      }
    }
    const medians = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.sort((a, b) => a - b)[Math.floor(v.length / 2)]!]));
    for (const [k, v] of Object.entries(medians)) console.log(`perf ${k.padEnd(44)} median ${v.toFixed(3)} ms/op (${ROUNDS} batches of ${N})`);
    console.log(`refresh-json ${JSON.stringify(medians)}`);
  });
});

/** Issues a code through the stubbed services' own grant store and redeems it there, giving a refresh chain on stubbed storage. */
async function startStubbed(chain: Awaited<ReturnType<typeof refreshChain>>, services: ReturnType<typeof getServices>) {
  const verifier = oauth.generateRandomCodeVerifier();
  const handle = crypto.randomUUID().replace(/-/g, '') + crypto.randomUUID().replace(/-/g, '').slice(0, 11);
  const data = {
    client_id: chain.reg.client_id, sub: 'bench-sub', redirect_uri: 'https://rp.example/cb', sid: 'sid-bench', auth_time: services.now() - 5, acr: '1', amr: ['pwd'], nonce: 'n',
    scope: chain.scope,
  };
  const result = await issueAuthorizationCode(services, { handle, data, code_challenge: await oauth.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256' });
  if (!result.ok) throw new Error(result.reason);
  const res = await chain.post({ grant_type: 'authorization_code', code: result.code, redirect_uri: 'https://rp.example/cb', code_verifier: verifier }, chain.auth);
  let token = ((await res.json()) as { refresh_token: string }).refresh_token;
  return async () => {
    const r = await chain.post({ grant_type: 'refresh_token', refresh_token: token }, chain.auth);
    const body = (await r.json()) as { refresh_token: string };
    if (r.status !== 200) throw new Error(JSON.stringify(body));
    token = body.refresh_token;
  };
}
