import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { ath, dpopKey, dpopProof } from '../helpers/dpop';
import { issueCode } from '../helpers/grant';
import { countingApp } from '../helpers/storage-ops';
import { basic } from '../helpers/worker';

/**
 * What a DPoP proof costs in storage (issue 12): one round trip to the
 * ReplayGuard Durable Object of the key's thumbprint, which checks and records
 * the `jti` in one call (RFC 9449 §11.1); nothing else. The app runs on the
 * real local bindings behind counting proxies (test/helpers/storage-ops.ts).
 */
const { send, post, opsOf } = countingApp();

describe('storage operations of DPoP (RFC 9449 §11.1)', () => {
  it('adds exactly one ReplayGuard call to the token path and to /userinfo', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'] });
    const auth = { authorization: basic(reg.client_id, reg.client_secret!) };
    const key = await dpopKey();
    const exchange = async (issued: Awaited<ReturnType<typeof issueCode>>, headers: Record<string, string>) =>
      post('/token', { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier }, { ...auth, ...headers });
    const first = await issueCode({ client_id: reg.client_id });
    await opsOf(() => exchange(first, {})); // warms the client and user caches
    const plain = await issueCode({ client_id: reg.client_id, sub: first.sub });
    expect(await opsOf(() => exchange(plain, {}))).toEqual({ status: 200, ops: { 'DO.GRANTS.redeemCode': 1 } });

    const bound = await issueCode({ client_id: reg.client_id, sub: first.sub });
    const proof = await dpopProof(key, '/token');
    let token = '';
    const ops = await opsOf(async () => {
      const res = await exchange(bound, { dpop: proof });
      token = (await res.clone().json<{ access_token: string }>()).access_token;
      return res;
    });
    expect(ops).toEqual({ status: 200, ops: { 'DO.GRANTS.redeemCode': 1, 'DO.REPLAY.claim': 1 } });

    const userinfo = async () => send('/userinfo', { headers: { authorization: `DPoP ${token}`, dpop: await dpopProof(key, '/userinfo', { htm: 'GET', ath: await ath(token) }) } });
    await opsOf(userinfo);
    expect(await opsOf(userinfo)).toEqual({ status: 200, ops: { 'DO.GRANTS.status': 1, 'DO.REPLAY.claim': 1 } });
  });
});
