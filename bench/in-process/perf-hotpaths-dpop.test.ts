import { describe, it } from 'vitest';
import { createApp } from '../../src/app';
import { getConfig } from '../../src/config';
import { verifyDpopProof } from '../../src/oauth/dpop';
import { dpopNonce, isFreshDpopNonce } from '../../src/oauth/dpop-nonce';
import { getServices } from '../../src/storage/services';
import { registerClient } from '../../test/helpers/admin';
import { ath, dpopKey, dpopProof } from '../../test/helpers/dpop';
import { issueCode } from '../../test/helpers/grant';
import { basic, form, ISSUER, testEnv } from '../../test/helpers/worker';

/**
 * DPoP's added CPU per request (issue 12), in-process like perf-hotpaths.test.ts:
 * reported, never asserted. The ReplayGuard is replaced by an in-memory
 * stand-in, so the figures are protocol CPU; what a proof costs in storage
 * (one ReplayGuard call) is counted in test/flows/storage-ops-dpop.test.ts.
 * Proofs are signed before the timed loops: their signing is the client's work.
 */
const FULL = (testEnv as unknown as { PERF_FULL?: string }).PERF_FULL === 'true';
const iterations = (n: number) => (FULL ? n : Math.max(2, Math.ceil(n / 50)));

/** Interleaved A/B, best batch of each variant (the figure least disturbed on a shared machine); returns ms/op. */
async function compare(label: string, n: number, variants: Record<string, (i: number) => Promise<unknown>>, rounds = FULL ? 5 : 1) {
  const best: Record<string, number> = {};
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(variants)) {
      const start = performance.now();
      for (let i = 0; i < n; i++) await run(r * n + i);
      best[name] = Math.min(best[name] ?? Infinity, (performance.now() - start) / n);
    }
  }
  const [a, b] = Object.values(best);
  console.log(`perf ${label}: ${Object.entries(best).map(([k, v]) => `${k} ${v.toFixed(4)} ms/op`).join(' | ')} | added ${(b! - a!).toFixed(4)} ms`);
}

const memoryReplay = { idFromName: (n: string) => n, get: () => ({ claim: async () => true }) };
const env = { ...testEnv, PAR_RATE_LIMIT: undefined, REPLAY: memoryReplay } as unknown as typeof testEnv;
const app = createApp();
const fetchApp = (path: string, init: RequestInit) => app.fetch(new Request(new URL(path, ISSUER), init), env);

async function ok(res: Response) {
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${res.status} ${text}`);
  return text;
}

describe('DPoP hot paths (measurement only)', () => {
  it('proof verification and nonce check, function level', async () => {
    const services = getServices(testEnv);
    const key = await dpopKey();
    const n = iterations(1000);
    const input = (proof: string) => ({ method: 'POST', url: `${ISSUER}/token`, headers: new Headers({ dpop: proof }) });
    const proofs = await Promise.all(Array.from({ length: 5 * n }, () => dpopProof(key, '/token')));
    const deps = { config: services.config, now: services.now, replay: { claim: async () => true } };
    const check = { at: 'authorization_server' as const, nonce_required: false };
    await compare('verifyDpopProof ES256 (replay stubbed)', n, {
      'no proof': async () => verifyDpopProof({ method: 'POST', url: `${ISSUER}/token`, headers: new Headers() }, check, deps),
      'ES256 proof': async (i) => verifyDpopProof(input(proofs[i]!), check, deps),
    });
    const config = getConfig({ ...testEnv, DPOP_NONCE: 'true', DPOP_NONCE_SECRET: 'bench-dpop-nonce-secret-0123456789abcdef' });
    const now = services.now();
    const nonce = await dpopNonce(config, now);
    await compare('DPoP nonce check', n, {
      'none': async () => true,
      'isFreshDpopNonce (slot cached)': async () => isFreshDpopNonce(config, nonce, now),
    });
    await compare('DPoP nonce derivation, cold slot', iterations(300), {
      'none': async () => true,
      'dpopNonce (2 HMACs)': async (i) => dpopNonce(config, now + (i + 1) * 600),
    });
  });

  it('/token and /userinfo with and without DPoP (replay stubbed)', { timeout: 300_000 }, async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' });
    const auth = { authorization: basic(reg.client_id, reg.client_secret!) };
    const key = await dpopKey();
    const n = iterations(500);
    const proofs = await Promise.all(Array.from({ length: 5 * n + 20 }, () => dpopProof(key, '/token')));
    const token = (headers: Record<string, string>) => {
      const init = form({ grant_type: 'client_credentials' });
      return fetchApp('/token', { ...init, headers: { ...(init.headers as Record<string, string>), ...auth, ...headers } });
    };
    for (let i = 0; i < 10; i++) await ok(await token({}));
    await compare('POST /token client_credentials', n, {
      'Bearer': async () => ok(await token({})),
      'DPoP': async (i) => ok(await token({ dpop: proofs[i]! })),
    });

    const user = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const userAuth = { authorization: basic(user.client_id, user.client_secret!) };
    const redeem = async (headers: Record<string, string>) => {
      const issued = await issueCode({ client_id: user.client_id });
      const init = form({ grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier });
      const res = await fetchApp('/token', { ...init, headers: { ...(init.headers as Record<string, string>), ...userAuth, ...headers } });
      return (JSON.parse(await ok(res)) as { access_token: string }).access_token;
    };
    const bearer = await redeem({});
    const bound = await redeem({ dpop: await dpopProof(key, '/token') });
    const m = iterations(300);
    const hash = await ath(bound);
    const resourceProofs = await Promise.all(Array.from({ length: 5 * m + 20 }, () => dpopProof(key, '/userinfo', { htm: 'GET', ath: hash })));
    for (let i = 0; i < 10; i++) await ok(await fetchApp('/userinfo', { headers: { authorization: `Bearer ${bearer}` } }));
    await compare('GET /userinfo', m, {
      'Bearer': async () => ok(await fetchApp('/userinfo', { headers: { authorization: `Bearer ${bearer}` } })),
      'DPoP': async (i) => ok(await fetchApp('/userinfo', { headers: { authorization: `DPoP ${bound}`, dpop: resourceProofs[i]! } })),
    });
  });
});
