import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { issueCode } from '../helpers/grant';
import { basic, call, form } from '../helpers/worker';

function tokenRequest(params: Record<string, string>, authorization?: string) {
  const init = form(params);
  return call('/token', { ...init, headers: { ...(init.headers as Record<string, string>), ...(authorization && { authorization }) } });
}

async function statuses(responses: Promise<Response>[]) {
  const settled = await Promise.all(responses);
  return Promise.all(settled.map(async (r) => ({ status: r.status, body: (await r.json()) as Record<string, string> })));
}

describe('single use under concurrency (Grant Durable Object)', () => {
  it('lets exactly one of 20 parallel redemptions of a code succeed, in each of 5 rounds (RFC 6749 §4.1.2)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'] });
    for (let round = 0; round < 5; round++) {
      const issued = await issueCode({ client_id: reg.client_id, scope: 'openid offline_access' });
      const params = { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier };
      const results = await statuses(Array.from({ length: 20 }, () => tokenRequest(params, basic(reg.client_id, reg.client_secret!))));
      const ok = results.filter((r) => r.status === 200);
      expect(ok).toHaveLength(1);
      expect(results.filter((r) => r.status === 400 && r.body.error === 'invalid_grant')).toHaveLength(19);
      // The losers replayed the code, so the winner's tokens were revoked with the grant (RFC 6749 §4.1.2).
      const userinfo = await call('/userinfo', { headers: { authorization: `Bearer ${ok[0]!.body.access_token}` } });
      expect(userinfo.status).toBe(401);
    }
  });

  it('lets exactly one of parallel refreshes of one public-client token succeed, in each of 5 rounds (RFC 9700 §4.14.2)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] });
    for (let round = 0; round < 5; round++) {
      const issued = await issueCode({ client_id: reg.client_id, scope: 'openid offline_access' });
      const first = await tokenRequest({ grant_type: 'authorization_code', client_id: reg.client_id, code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier });
      const { refresh_token } = (await first.json()) as { refresh_token: string };
      const results = await statuses(Array.from({ length: 10 }, () => tokenRequest({ grant_type: 'refresh_token', client_id: reg.client_id, refresh_token })));
      const ok = results.filter((r) => r.status === 200);
      // The first to reach the grant object rotates; every later one is a reuse (no grace for public clients).
      expect(ok).toHaveLength(1);
      expect(results.filter((r) => r.status === 400 && r.body.error === 'invalid_grant')).toHaveLength(9);
      // Any reuse revoked the family: what the winner got is dead too.
      const again = await tokenRequest({ grant_type: 'refresh_token', client_id: reg.client_id, refresh_token: ok[0]!.body.refresh_token! });
      expect(again.status).toBe(400);
      expect(((await again.json()) as { error: string }).error).toBe('invalid_grant');
    }
  });

  it('leaves a confidential client at most one live refresh token after parallel refreshes (FAPI 2.0 §5.3.2.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'] });
    const auth = basic(reg.client_id, reg.client_secret!);
    const issued = await issueCode({ client_id: reg.client_id, scope: 'openid offline_access' });
    const first = await tokenRequest({ grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier }, auth);
    const { refresh_token } = (await first.json()) as { refresh_token: string };
    const results = await statuses(Array.from({ length: 10 }, () => tokenRequest({ grant_type: 'refresh_token', refresh_token }, auth)));
    const issuedTokens = results.filter((r) => r.status === 200).map((r) => r.body.refresh_token!);
    expect(issuedTokens.length).toBeGreaterThanOrEqual(1);
    const live = [];
    for (const token of issuedTokens) {
      // Introspection does not rotate, so each token is checked without disturbing the others.
      const res = await call('/introspect', { ...form({ token }), headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: auth } });
      if (((await res.json()) as { active: boolean }).active) live.push(token);
    }
    expect(live).toHaveLength(1);
  });
});
