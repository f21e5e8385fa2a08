import { exportJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { b64u, confidential, hs256With, postBasic } from '../helpers/attack';
import { ath, dpopKey, dpopProof, type DpopKey } from '../helpers/dpop';
import { errorOf } from '../helpers/errors';
import { issueCode } from '../helpers/grant';
import { call, ISSUER } from '../helpers/worker';

const ALGS = 'algs="ES256 ES384 EdDSA PS256 PS384 RS256 RS384"';

/** A client_credentials client: the shortest way to a token request that a proof decides. */
const ccClient = () => confidential({ grant_types: ['client_credentials'], response_types: [], redirect_uris: [], scope: 'api:read' });

async function tokenWith(headers: Headers | Record<string, string>) {
  const client = await ccClient();
  return postBasic('/token', { grant_type: 'client_credentials' }, client, Object.fromEntries(new Headers(headers)));
}

/** Expects the token endpoint's refusal of a proof: 400 invalid_dpop_proof, no token (RFC 9449 §5). */
async function expectRefused(res: Response) {
  expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_dpop_proof' });
}

describe('DPoP proof refusals at /token (RFC 9449 §4.3)', () => {
  it('refuses a proof whose htm is not the request method (RFC 9449 §4.3 check 8)', async () => {
    await expectRefused(await tokenWith({ dpop: await dpopProof(await dpopKey(), '/token', { htm: 'GET' }) }));
  });

  it('refuses a proof whose htu is another endpoint (RFC 9449 §4.3 check 9)', async () => {
    await expectRefused(await tokenWith({ dpop: await dpopProof(await dpopKey(), '/par') }));
    await expectRefused(await tokenWith({ dpop: await dpopProof(await dpopKey(), '/token', { htu: 'https://evil.example/token' }) }));
  });

  it('compares htu without query and fragment, after RFC 3986 §6.2.2/§6.2.3 normalization (RFC 9449 §4.3 check 9)', async () => {
    const res = await tokenWith({ dpop: await dpopProof(await dpopKey(), '/token', { htu: 'HTTPS://OP.EXAMPLE:443/token?x=1#f' }) });
    expect(res.status).toBe(200);
  });

  it('refuses a stale or future iat (RFC 9449 §4.3 check 11, §11.1)', async () => {
    const now = Math.floor(Date.now() / 1000);
    // DPOP_PROOF_LIFETIME 60 s plus CLOCK_SKEW 30 s either side.
    await expectRefused(await tokenWith({ dpop: await dpopProof(await dpopKey(), '/token', { iat: now - 120 }) }));
    await expectRefused(await tokenWith({ dpop: await dpopProof(await dpopKey(), '/token', { iat: now + 60 }) }));
  });

  it('refuses a replayed jti for the same key (RFC 9449 §11.1)', async () => {
    const proof = await dpopProof(await dpopKey(), '/token');
    expect((await tokenWith({ dpop: proof })).status).toBe(200);
    await expectRefused(await tokenWith({ dpop: proof }));
  });

  it('refuses a jwk that holds the private key (RFC 9449 §4.3 check 7)', async () => {
    const key = await dpopKey();
    const privateJwk = await exportJWK(key.privateKey);
    await expectRefused(await tokenWith({ dpop: await dpopProof(key, '/token', {}, { jwk: privateJwk }) }));
  });

  it('refuses alg none and HS256 proofs (RFC 9449 §4.3 check 5)', async () => {
    const key = await dpopKey();
    const payload = { jti: crypto.randomUUID(), htm: 'POST', htu: `${ISSUER}/token`, iat: Math.floor(Date.now() / 1000) };
    const none = `${b64u({ alg: 'none', typ: 'dpop+jwt', jwk: key.jwk })}.${b64u(payload)}.`;
    await expectRefused(await tokenWith({ dpop: none }));
    const hs = await hs256With(new TextEncoder().encode('shared'), { typ: 'dpop+jwt', jwk: { kty: 'oct', k: b64u(new TextEncoder().encode('shared')) } }, payload);
    await expectRefused(await tokenWith({ dpop: hs }));
  });

  it('refuses a typ other than dpop+jwt (RFC 9449 §4.3 check 4)', async () => {
    await expectRefused(await tokenWith({ dpop: await dpopProof(await dpopKey(), '/token', {}, { typ: 'JWT' }) }));
  });

  it('refuses a proof signed by another key than its jwk (RFC 9449 §4.3 check 6)', async () => {
    const signer = await dpopKey();
    const shown = await dpopKey();
    await expectRefused(await tokenWith({ dpop: await dpopProof(signer, '/token', {}, { jwk: shown.jwk }) }));
  });

  it('refuses two DPoP headers (RFC 9449 §4.3 check 1)', async () => {
    const key = await dpopKey();
    const headers = new Headers();
    headers.append('dpop', await dpopProof(key, '/token'));
    headers.append('dpop', await dpopProof(key, '/token'));
    await expectRefused(await tokenWith(headers));
  });
});

/** A DPoP-bound access token for /userinfo and the key it is bound to. */
async function boundToken(key: DpopKey): Promise<string> {
  const client = await confidential();
  const issued = await issueCode({ client_id: client.client_id });
  const res = await postBasic('/token', {
    grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier,
  }, client, { dpop: await dpopProof(key, '/token') });
  expect(res.status).toBe(200);
  return (await res.json<{ access_token: string }>()).access_token;
}

const userinfo = (token: string, proof: string | undefined, scheme = 'DPoP') =>
  call('/userinfo', { headers: { authorization: `${scheme} ${token}`, ...(proof && { dpop: proof }) } });

describe('DPoP at a protected resource (RFC 9449 §7)', () => {
  it('refuses a proof whose ath is not the hash of the token: 401 invalid_dpop_proof with a DPoP challenge (RFC 9449 §4.3 check 12, §7.1)', async () => {
    const key = await dpopKey();
    const token = await boundToken(key);
    const res = await userinfo(token, await dpopProof(key, '/userinfo', { htm: 'GET', ath: await ath(`${token}x`) }));
    expect(await errorOf(res)).toMatchObject({ status: 401, error: 'invalid_dpop_proof' });
    expect(res.headers.get('www-authenticate')).toMatch(new RegExp(`^DPoP realm="${ISSUER}", error="invalid_dpop_proof", error_description="[^"]+", ${ALGS}$`));
  });

  it('refuses a token whose key is swapped for another in the proof: 401 invalid_token (RFC 9449 §4.3 check 12, §7.1)', async () => {
    const token = await boundToken(await dpopKey());
    const thief = await dpopKey();
    const res = await userinfo(token, await dpopProof(thief, '/userinfo', { htm: 'GET', ath: await ath(token) }));
    expect(await errorOf(res)).toMatchObject({ status: 401, error: 'invalid_token' });
    expect(res.headers.get('www-authenticate')).toMatch(/^DPoP realm="https:\/\/op\.example", error="invalid_token"/);
  });

  it('refuses a DPoP-bound token presented as Bearer: 401 invalid_token with a DPoP challenge and its algs (RFC 9449 §7.2)', async () => {
    const key = await dpopKey();
    const token = await boundToken(key);
    for (const proof of [undefined, await dpopProof(key, '/userinfo', { htm: 'GET', ath: await ath(token) })]) {
      const res = await userinfo(token, proof, 'Bearer');
      expect(await errorOf(res)).toMatchObject({ status: 401, error: 'invalid_token' });
      expect(res.headers.get('www-authenticate')).toMatch(new RegExp(`^DPoP realm="${ISSUER}", error="invalid_token", error_description="[^"]+", ${ALGS}$`));
    }
  });

  it('refuses a bearer token presented with the DPoP scheme: there is no key to confirm (RFC 9449 §7.1)', async () => {
    const client = await confidential();
    const issued = await issueCode({ client_id: client.client_id });
    const res = await postBasic('/token', { grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier }, client);
    const token = (await res.json<{ access_token: string }>()).access_token;
    const key = await dpopKey();
    expect(await errorOf(await userinfo(token, await dpopProof(key, '/userinfo', { htm: 'GET', ath: await ath(token) })))).toMatchObject({ status: 401, error: 'invalid_token' });
  });

  it('refuses the DPoP scheme without a proof, and a proof for another method (RFC 9449 §7.1, §4.3 check 8)', async () => {
    const key = await dpopKey();
    const token = await boundToken(key);
    expect(await errorOf(await userinfo(token, undefined))).toMatchObject({ status: 401, error: 'invalid_dpop_proof' });
    expect(await errorOf(await userinfo(token, await dpopProof(key, '/userinfo', { ath: await ath(token) })))).toMatchObject({ status: 401, error: 'invalid_dpop_proof' });
  });

  it('refuses a proof without ath at a resource (RFC 9449 §4.2, §7.1)', async () => {
    const key = await dpopKey();
    const token = await boundToken(key);
    expect(await errorOf(await userinfo(token, await dpopProof(key, '/userinfo', { htm: 'GET' })))).toMatchObject({ status: 401, error: 'invalid_dpop_proof' });
  });

  it('refuses a replayed proof at /userinfo (RFC 9449 §11.1)', async () => {
    const key = await dpopKey();
    const token = await boundToken(key);
    const proof = await dpopProof(key, '/userinfo', { htm: 'GET', ath: await ath(token) });
    expect((await userinfo(token, proof)).status).toBe(200);
    expect(await errorOf(await userinfo(token, proof))).toMatchObject({ status: 401, error: 'invalid_dpop_proof' });
  });
});
