import { fapiClient } from '../helpers/fapi';
import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { b64u, codeRequest, confidential, es256Raw, hs256With, postBasic, REDIRECT, stripSignature } from '../helpers/attack';
import { clientKey, unsignedJwt, type ClientKey } from '../helpers/jwt';
import { authorizeUrl, newBrowser, visit } from '../helpers/interaction';
import { pkce } from '../helpers/rp';
import { ISSUER } from '../helpers/worker';
import { expectJsonError } from '../helpers/errors';

/**
 * Attack catalogue: forged request objects (RFC 9101 §6.1–§6.3, §10; RFC 8725
 * §2.1, §3.1, §3.10; FAPI 2.0 Message Signing). Pushed to /par (RFC 9126 §3)
 * by an authenticated client; a forgery is `invalid_request_object` (400).
 */

async function signingClient(): Promise<{ reg: { client_id: string; client_secret?: string }; key: ClientKey }> {
  const key = await clientKey('ES256');
  const reg = await confidential({ jwks: { keys: [key.publicJwk] } });
  return { reg, key };
}

async function requestClaims(client_id: string, extra: Record<string, unknown> = {}): Promise<Record<string, unknown>> {
  const now = Math.floor(Date.now() / 1000);
  return { ...codeRequest((await pkce()).code_challenge), client_id, iss: client_id, aud: ISSUER, iat: now, nbf: now, exp: now + 60, ...extra };
}

async function refusedAtPar(reg: { client_id: string; client_secret?: string }, request: string): Promise<void> {
  expect(await expectJsonError(await postBasic('/par', { request }, reg), 400)).toBe('invalid_request_object');
}

function signedWith(key: ClientKey, claims: Record<string, unknown>, header: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'oauth-authz-req+jwt', ...header } as never).sign(key.privateKey);
}

describe('request object forgeries at /par (RFC 9101 §6, RFC 8725)', () => {
  it('RFC 9101 §6.3 — a request object signed with the registered key is accepted (control)', async () => {
    const { reg, key } = await signingClient();
    expect((await postBasic('/par', { request: await signedWith(key, await requestClaims(reg.client_id), {}) }, reg)).status).toBe(201);
  });

  it('RFC 9101 §6.1 — alg "none" is refused (fapi2-security-profile-final-ensure-request-object-signature-algorithm-is-not-none)', async () => {
    const { reg } = await signingClient();
    await refusedAtPar(reg, unsignedJwt(await requestClaims(reg.client_id)));
  });

  it('RFC 8725 §2.1 — HS256 keyed with the client\'s public JWK bytes (algorithm confusion) is refused', async () => {
    const { reg, key } = await signingClient();
    await refusedAtPar(reg, await hs256With(new TextEncoder().encode(JSON.stringify(key.publicJwk)), { kid: key.kid }, await requestClaims(reg.client_id)));
  });

  it('RFC 8725 §2.1 — HS256 keyed with the client secret is refused: request objects are asymmetric only', async () => {
    const { reg } = await signingClient();
    await refusedAtPar(reg, await hs256With(new TextEncoder().encode(reg.client_secret!), {}, await requestClaims(reg.client_id)));
  });

  it('RFC 9101 §6.2 — an invalid signature is refused (fapi2-security-profile-final-ensure-request-object-with-invalid-signature-fails)', async () => {
    const { reg, key } = await signingClient();
    const [h, p, s] = (await signedWith(key, await requestClaims(reg.client_id), {})).split('.');
    await refusedAtPar(reg, `${h}.${p}.${s!.slice(0, -4)}AAAA`);
  });

  it('RFC 8725 §3.1 — a request object with the signature stripped is refused', async () => {
    const { reg, key } = await signingClient();
    await refusedAtPar(reg, stripSignature(await signedWith(key, await requestClaims(reg.client_id), {})));
  });

  it('RFC 7515 §5.2 — a payload swapped under a valid signature is refused', async () => {
    const { reg, key } = await signingClient();
    const [h, , s] = (await signedWith(key, await requestClaims(reg.client_id), {})).split('.');
    await refusedAtPar(reg, `${h}.${b64u(await requestClaims(reg.client_id, { scope: 'openid email' }))}.${s}`);
  });

  it('RFC 9101 §6.2 — a kid naming no registered key is refused (fapi2-security-profile-final-ensure-matching-key-in-authorization-request)', async () => {
    const { reg, key } = await signingClient();
    await refusedAtPar(reg, await signedWith(key, await requestClaims(reg.client_id), { kid: 'unknown-kid' }));
  });

  it('RFC 9101 §6.2 — an attacker key under the registered kid is refused', async () => {
    const { reg, key } = await signingClient();
    const attacker = await clientKey('ES256');
    await refusedAtPar(reg, await signedWith({ ...attacker, kid: key.kid }, await requestClaims(reg.client_id), {}));
  });

  it.each([
    ['jku', 'https://attacker.example/jwks.json'],
    ['x5u', 'https://attacker.example/cert.pem'],
    ['x5c', ['MIIBkTCB+wIJAKHHIG']],
  ])('RFC 8725 §3.10 — a "%s" header is refused, whatever key signed it', async (name, value) => {
    const { reg, key } = await signingClient();
    await refusedAtPar(reg, await signedWith(key, await requestClaims(reg.client_id), { [name]: value }));
  });

  it('RFC 8725 §3.10 — an embedded "jwk" header carrying the attacker\'s key is refused', async () => {
    const { reg } = await signingClient();
    const attacker = await clientKey('ES256');
    await refusedAtPar(reg, await signedWith(attacker, await requestClaims(reg.client_id), { jwk: attacker.publicJwk }));
  });

  it('RFC 7515 §4.1.11 — a "crit" header naming an unknown extension is refused', async () => {
    const { reg, key } = await signingClient();
    await refusedAtPar(reg, await es256Raw(key.privateKey as CryptoKey, { kid: key.kid, typ: 'oauth-authz-req+jwt', crit: ['urn:x'], 'urn:x': 1 }, await requestClaims(reg.client_id)));
  });

  it('RFC 7519 §4.1.4 — an expired request object is refused (fapi2-security-profile-final-ensure-expired-request-object-fails)', async () => {
    const { reg, key } = await signingClient();
    const now = Math.floor(Date.now() / 1000);
    await refusedAtPar(reg, await signedWith(key, await requestClaims(reg.client_id, { iat: now - 600, nbf: now - 600, exp: now - 300 }), {}));
  });

  it('RFC 7519 §4.1.5 — a request object with nbf in the future is refused (fapi2-security-profile-final-ensure-request-object-with-nbf-in-future-fails)', async () => {
    const { reg, key } = await signingClient();
    const now = Math.floor(Date.now() / 1000);
    await refusedAtPar(reg, await signedWith(key, await requestClaims(reg.client_id, { nbf: now + 600, exp: now + 660 }), {}));
  });

  it('FAPI 2.0 §5.3.2.1 — a FAPI 2.0 client\'s request object without exp is refused (fapi2-security-profile-final-ensure-request-object-without-exp-fails)', async () => {
    // Other clients may omit exp (OpenID Connect Core §6.1, RFC 9101; DESIGN.md): test/flows/request-object-exp.test.ts.
    const c = await fapiClient();
    const { exp: _e, ...claims } = await requestClaims(c.client_id);
    expect(await expectJsonError(await c.post({ request: await signedWith(c.key, claims, {}) }), 400)).toBe('invalid_request_object');
  });

  it('RFC 9101 §4 — a request object for another audience is refused (fapi2-security-profile-final-ensure-request-object-with-bad-aud-fails)', async () => {
    const { reg, key } = await signingClient();
    await refusedAtPar(reg, await signedWith(key, await requestClaims(reg.client_id, { aud: 'https://other-op.example' }), {}));
  });

  it('RFC 9101 §5 — client A pushing a request object signed by client B (B\'s client_id inside) is refused', async () => {
    const a = await signingClient();
    const b = await signingClient();
    await refusedAtPar(a.reg, await signedWith(b.key, await requestClaims(b.reg.client_id), {}));
  });

  it('RFC 9101 §6.2 — at /authorize a forged (alg none) request object never yields a code: its error goes only to the registered redirect_uri', async () => {
    const { reg } = await signingClient();
    const request = unsignedJwt({ ...(await requestClaims(reg.client_id)), redirect_uri: 'https://evil.example/cb' });
    const res = await visit(newBrowser(), authorizeUrl({ client_id: reg.client_id, request, response_type: 'code', redirect_uri: REDIRECT, state: 'o' }));
    expect(res.status).toBe(303);
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(REDIRECT);
    expect(location.searchParams.get('error')).toBe('invalid_request_object');
    expect(location.searchParams.has('code')).toBe(false);
  });
});
