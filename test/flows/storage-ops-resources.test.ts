import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { issueCode } from '../helpers/grant';
import { registerApi } from '../helpers/apis';
import { countingApp } from '../helpers/storage-ops';
import { basic } from '../helpers/worker';

/**
 * What the resource lookup (RFC 8707) adds to /token, held as facts (issue 11):
 * nothing while the API is cached in the isolate, one D1 read when it is not.
 * The app runs on the real local bindings behind counting proxies (test/helpers/storage-ops.ts).
 */
const { post, opsOf } = countingApp();

const exchange = (auth: Record<string, string>, issued: Awaited<ReturnType<typeof issueCode>>) =>
  post('/token', { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier }, auth);

describe('storage operations of resource indicators at /token (issue 11, docs/storage.md)', () => {
  it('client_credentials with resource: one D1 read of the API when cold, none when cached (RFC 8707 §2.2)', async () => {
    const api = await registerApi('ops');
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['client_credentials'], scope: 'ops:read' });
    const auth = { authorization: basic(reg.client_id, reg.client_secret!) };
    const plain = { grant_type: 'client_credentials' };
    expect((await opsOf(() => post('/token', plain, auth))).status).toBe(200); // client registration and key ring now cached
    expect(await opsOf(() => post('/token', plain, auth))).toEqual({ status: 200, ops: {} });
    const withResource = { grant_type: 'client_credentials', resource: api.identifier };
    expect(await opsOf(() => post('/token', withResource, auth))).toEqual({ status: 200, ops: { 'D1.prepare': 1, 'D1.first': 1 } });
    expect(await opsOf(() => post('/token', withResource, auth))).toEqual({ status: 200, ops: {} });
  });

  it('authorization_code with a granted resource: still one Grant round trip once the API is cached (RFC 8707 §2.2)', async () => {
    const api = await registerApi('opscode');
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code'], scope: 'openid opscode:read' });
    const auth = { authorization: basic(reg.client_id, reg.client_secret!) };
    const data = { resource: [api.identifier] };
    const warm = await issueCode({ client_id: reg.client_id, scope: 'openid opscode:read', data });
    expect(await opsOf(() => exchange(auth, warm))).toMatchObject({ status: 200 });
    const next = await issueCode({ client_id: reg.client_id, scope: 'openid opscode:read', data, sub: warm.sub });
    expect(await opsOf(() => exchange(auth, next))).toEqual({ status: 200, ops: { 'DO.GRANTS.redeemCode': 1 } });
  });
});
