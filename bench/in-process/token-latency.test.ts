import { describe, expect, it } from 'vitest';
import { registerClient } from '../../test/helpers/admin';
import { issueCode } from '../../test/helpers/grant';
import { basic, call, form } from '../../test/helpers/worker';

/**
 * Measures in-process latency of authorization_code exchanges (one Durable
 * Object round trip, ES256 access token, RS256 ID token). Reported, never
 * asserted: timing stays out of pass/fail (DESIGN.md "Performance is measured").
 * Not part of `npm test`: run it with `npm run bench:token-latency`.
 */
describe('token endpoint latency (measurement only)', () => {
  it('times 50 sequential authorization_code exchanges', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'] });
    const auth = basic(reg.client_id, reg.client_secret!);
    const exchange = async (issued: Awaited<ReturnType<typeof issueCode>>) => {
      const init = form({ grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier });
      return call('/token', { ...init, headers: { ...(init.headers as Record<string, string>), authorization: auth } });
    };
    const user = await issueCode({ client_id: reg.client_id, scope: 'openid profile offline_access' });
    expect((await exchange(user)).status).toBe(200); // warm-up: keys, client cache
    const codes = [];
    for (let i = 0; i < 50; i++) codes.push(await issueCode({ client_id: reg.client_id, scope: 'openid profile offline_access', sub: user.sub }));
    const times: number[] = [];
    for (const issued of codes) {
      const start = performance.now();
      const res = await exchange(issued);
      await res.arrayBuffer();
      times.push(performance.now() - start);
      expect(res.status).toBe(200);
    }
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!.toFixed(2);
    const mean = (times.reduce((a, b) => a + b, 0) / times.length).toFixed(2);
    console.log(`token latency over ${times.length} exchanges (ms): mean ${mean}, p50 ${pct(50)}, p90 ${pct(90)}, p99 ${pct(99)}, max ${pct(100)}`);
  });
});
