import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { grantAudience } from '../../src/oauth/resources';
import { getServices } from '../../src/storage/services';
import { registerClient } from '../../test/helpers/admin';
import { registerApi } from '../../test/helpers/apis';
import { basic, form, ISSUER, testEnv } from '../../test/helpers/worker';

/**
 * What resource indicators (RFC 8707, issue 11) add to /token, in workerd.
 * Reported, never asserted (DESIGN.md "Performance is measured"). A warm
 * client_credentials request touches no storage at all (test/flows/
 * storage-ops-resources.test.ts), so the A/B of the whole request with and
 * without `resource` is protocol CPU only. `npm run bench:resources`.
 */
const FULL = (testEnv as unknown as { PERF_FULL?: string }).PERF_FULL === 'true';
const N = FULL ? 2000 : 20;

/** Interleaved A/B; each variant's best batch of `N` (the least disturbed on a shared machine). */
async function compare(label: string, variants: Record<string, () => Promise<unknown>>, rounds = FULL ? 7 : 1) {
  const best: Record<string, number> = {};
  for (const run of Object.values(variants)) for (let i = 0; i < 20; i++) await run();
  for (let r = 0; r < rounds; r++) {
    for (const [name, run] of Object.entries(variants)) {
      const start = performance.now();
      for (let i = 0; i < N; i++) await run();
      best[name] = Math.min(best[name] ?? Infinity, (performance.now() - start) / N);
    }
  }
  console.log(`perf ${label}: ${Object.entries(best).map(([k, v]) => `${k} ${v.toFixed(4)} ms/op`).join(' | ')}`);
}

describe('resource lookup at /token (issue 11)', () => {
  it('client_credentials with and without resource, warm caches', async () => {
    const app = createApp();
    const api = await registerApi('bench');
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], scope: 'bench:read' });
    const headers = { authorization: basic(reg.client_id, reg.client_secret!) };
    const token = (params: Record<string, string>) => async () => {
      const init = form(params);
      const res = await app.fetch(new Request(new URL('/token', ISSUER), { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } }), testEnv);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
    };
    await compare('POST /token client_credentials', {
      without: token({ grant_type: 'client_credentials' }),
      'with resource': token({ grant_type: 'client_credentials', resource: api.identifier }),
    });
    const services = getServices(testEnv);
    const granted = { scope: 'openid bench:read bench:write', resource: [api.identifier] };
    await compare('grantAudience (cached API)', {
      'default audience': () => grantAudience({ scope: 'openid profile' }, undefined, services),
      'named resource': () => grantAudience(granted, api.identifier, services),
    });
  });
});
