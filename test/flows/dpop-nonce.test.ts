import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { confidential, postBasic } from '../helpers/attack';
import { ath, dpopKey, dpopProof } from '../helpers/dpop';
import { errorOf } from '../helpers/errors';
import { issueCode, rpClient } from '../helpers/grant';
import { appWith } from '../helpers/par';
import { discover } from '../helpers/rp';
import { basic, ISSUER } from '../helpers/worker';

const SECRET = 'test-dpop-nonce-secret-0123456789abcdef';
const withNonces = appWith({ DPOP_NONCE: 'true', DPOP_NONCE_SECRET: SECRET });
const ccMetadata = { grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' };

/** POST /token for a client_credentials client through the app that requires nonces. */
async function tokenRequest(client: { client_id: string; client_secret?: string }, proof: string) {
  return withNonces('/token', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, client.client_secret!), dpop: proof },
    body: 'grant_type=client_credentials',
  });
}

/** The nonce of a time slot, derived as the server does (HMAC-SHA-256 over "dpop-nonce:<slot>"). */
async function nonceOfSlot(slot: number): Promise<string> {
  const key = await crypto.subtle.importKey('raw', new TextEncoder().encode(SECRET), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const mac = new Uint8Array(await crypto.subtle.sign('HMAC', key, new TextEncoder().encode(`dpop-nonce:${slot}`)));
  let s = '';
  for (const b of mac) s += String.fromCharCode(b);
  return btoa(s).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

describe('DPoP server nonces (RFC 9449 §8, §9) with DPOP_NONCE=true', () => {
  it('answers use_dpop_nonce with a DPoP-Nonce header at /token, then accepts the nonce and sends the current one (RFC 9449 §8, §8.2)', async () => {
    const client = await confidential(ccMetadata);
    const key = await dpopKey();
    const first = await tokenRequest(client, await dpopProof(key, '/token'));
    const nonce = first.headers.get('dpop-nonce');
    expect(await errorOf(first)).toMatchObject({ status: 400, error: 'use_dpop_nonce' });
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const second = await tokenRequest(client, await dpopProof(key, '/token', { nonce: nonce! }));
    expect(second.status).toBe(200);
    expect(second.headers.get('dpop-nonce')).toBe(nonce);
    expect((await second.json<{ token_type: string }>()).token_type).toBe('DPoP');
  });

  it('refuses a stale or made-up nonce: only the current and the previous slot count (RFC 9449 §8)', async () => {
    const client = await confidential(ccMetadata);
    const key = await dpopKey();
    const slot = Math.floor(Date.now() / 1000 / 300);
    for (const nonce of [await nonceOfSlot(slot - 2), 'made-up-nonce']) {
      expect(await errorOf(await tokenRequest(client, await dpopProof(key, '/token', { nonce })))).toMatchObject({ status: 400, error: 'use_dpop_nonce' });
    }
    expect((await tokenRequest(client, await dpopProof(key, '/token', { nonce: await nonceOfSlot(slot - 1) }))).status).toBe(200);
  });

  it('lets oauth4webapi retry with the nonce it was given (RFC 9449 §8)', async () => {
    const as = await discover();
    const rp = await rpClient(ccMetadata);
    const key = await dpopKey();
    const DPoP = oauth.DPoP(rp.client, { privateKey: key.privateKey, publicKey: key.publicKey });
    const options = { [oauth.customFetch]: async (url: string, init?: RequestInit) => withNonces(url, init), DPoP };
    const attempt = async () => oauth.processClientCredentialsResponse(as, rp.client, await oauth.clientCredentialsGrantRequest(as, rp.client, rp.auth, {}, options));
    const error = await attempt().catch((e: unknown) => e);
    expect(oauth.isDPoPNonceError(error)).toBe(true);
    expect((await attempt()).token_type).toBe('dpop');
  });

  it('answers /userinfo with 401 use_dpop_nonce, a DPoP challenge and a DPoP-Nonce header (RFC 9449 §9)', async () => {
    const client = await confidential();
    const key = await dpopKey();
    const issued = await issueCode({ client_id: client.client_id });
    const res = await postBasic('/token', { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier }, client, { dpop: await dpopProof(key, '/token') });
    const token = (await res.json<{ access_token: string }>()).access_token;
    const get = async (claims: Record<string, unknown>) =>
      withNonces('/userinfo', { headers: { authorization: `DPoP ${token}`, dpop: await dpopProof(key, '/userinfo', { htm: 'GET', ath: await ath(token), ...claims }) } });
    const refused = await get({});
    expect(await errorOf(refused)).toMatchObject({ status: 401, error: 'use_dpop_nonce' });
    expect(refused.headers.get('www-authenticate')).toMatch(new RegExp(`^DPoP realm="${ISSUER}", error="use_dpop_nonce", error_description="[^"]+", algs="[A-Za-z0-9 ]+"$`));
    const nonce = refused.headers.get('dpop-nonce');
    expect(nonce).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await get({ nonce })).status).toBe(200);
  });

  it('asks for no nonce and sends no DPoP-Nonce without DPOP_NONCE (RFC 9449 §8: nonces are the server\'s choice)', async () => {
    const client = await confidential(ccMetadata);
    const res = await postBasic('/token', { grant_type: 'client_credentials' }, client, { dpop: await dpopProof(await dpopKey(), '/token') });
    expect(res.status).toBe(200);
    expect(res.headers.get('dpop-nonce')).toBeNull();
  });
});
