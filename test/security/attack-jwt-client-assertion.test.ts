import { exportSPKI, generateKeyPair, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { b64u, es256Raw, hs256With, stripSignature } from '../helpers/attack';
import { clientAssertion, clientKey, unsignedJwt, type ClientKey } from '../helpers/jwt';
import { call, form, ISSUER } from '../helpers/worker';
import { expectJsonError } from '../helpers/errors';

/**
 * Attack catalogue: forged and confused client assertions (RFC 8725 §2.1,
 * §3.1, §3.10; RFC 7523 §3; OpenID Connect Core §9). Client authentication is
 * one middleware shared by /par, /token, /revoke and /introspect, so the
 * headline forgeries run at each endpoint and the rest at /token.
 */
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const ENDPOINTS = ['/par', '/token', '/revoke', '/introspect'] as const;

async function keyedClient(alg = 'ES256'): Promise<{ client_id: string; key: ClientKey }> {
  const key = await clientKey(alg);
  const reg = await registerClient({
    token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, grant_types: ['authorization_code', 'client_credentials'], scope: 'openid api',
  });
  return { client_id: reg.client_id, key };
}

/** A body for `endpoint` that would succeed with a valid assertion. */
function bodyFor(endpoint: string, assertion: string): Record<string, string> {
  const auth = { client_assertion_type: JWT_BEARER, client_assertion: assertion };
  if (endpoint === '/par') {
    return { ...auth, response_type: 'code', redirect_uri: 'https://rp.example/cb', scope: 'openid', code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256' };
  }
  if (endpoint === '/token') return { ...auth, grant_type: 'client_credentials', scope: 'api' };
  return { ...auth, token: 'some-token' };
}

async function refused(endpoint: string, assertion: string): Promise<void> {
  const res = await call(endpoint, form(bodyFor(endpoint, assertion)));
  expect(await expectJsonError(res, 401)).toBe('invalid_client');
}

/** A JWT with header and claims as given, signed by the client's registered key. */
function signedWith(key: ClientKey, claims: Record<string, unknown>, header: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims).setProtectedHeader({ alg: key.alg, kid: key.kid, ...header } as never).sign(key.privateKey);
}

function claimsFor(client_id: string, extra: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  return { iss: client_id, sub: client_id, aud: ISSUER, jti: crypto.randomUUID(), iat: now, exp: now + 60, ...extra };
}

describe('client assertion forgeries at every authenticating endpoint (RFC 8725 §2.1)', () => {
  it.each(ENDPOINTS)('RFC 8725 §2.1 — a valid assertion is accepted at %s (control)', async (endpoint) => {
    const c = await keyedClient();
    const res = await call(endpoint, form(bodyFor(endpoint, await clientAssertion(c.client_id, c.key))));
    expect(res.status).toBeLessThan(300);
  });

  it.each(ENDPOINTS)('RFC 8725 §2.1 — alg "none" is refused with invalid_client at %s', async (endpoint) => {
    const c = await keyedClient();
    await refused(endpoint, unsignedJwt(claimsFor(c.client_id)));
  });

  it.each(ENDPOINTS)('RFC 8725 §2.1 — HS256 keyed with the client\'s public JWK bytes (algorithm confusion) is refused at %s', async (endpoint) => {
    const c = await keyedClient();
    const bytes = new TextEncoder().encode(JSON.stringify(c.key.publicJwk));
    await refused(endpoint, await hs256With(bytes, { typ: 'JWT', kid: c.key.kid }, claimsFor(c.client_id)));
  });
});

describe('client assertion attacks at /token (RFC 8725, RFC 7523 §3)', () => {
  it.each(['None', 'NONE', 'nOnE'])('RFC 8725 §2.1 — alg "%s" (case variant of none) is refused', async (alg) => {
    const c = await keyedClient();
    const jwt = `${b64u({ alg, typ: 'JWT' })}.${b64u(claimsFor(c.client_id))}.`;
    await refused('/token', jwt);
  });

  it('RFC 8725 §2.1 — HS256 keyed with the client\'s RSA public key as PEM (SPKI) bytes is refused', async () => {
    const key = await clientKey('RS256');
    const reg = await registerClient({ token_endpoint_auth_method: 'private_key_jwt', jwks: { keys: [key.publicJwk] }, grant_types: ['client_credentials'], scope: 'api' });
    const { publicKey } = await generateKeyPair('RS256', { extractable: true });
    // The PEM of the registered key, rebuilt from its JWK through WebCrypto.
    const imported = await crypto.subtle.importKey('jwk', key.publicJwk as JsonWebKey, { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, true, ['verify']);
    const pem = await exportSPKI(imported);
    expect(pem).not.toBe(await exportSPKI(publicKey));
    await refused('/token', await hs256With(new TextEncoder().encode(pem), { typ: 'JWT', kid: key.kid }, claimsFor(reg.client_id)));
  });

  it('RFC 8725 §3.1 — an assertion with the signature stripped is refused', async () => {
    const c = await keyedClient();
    await refused('/token', stripSignature(await clientAssertion(c.client_id, c.key)));
  });

  it('RFC 7515 §5.2 — an assertion whose payload was altered after signing is refused', async () => {
    const c = await keyedClient();
    const [h, , s] = (await clientAssertion(c.client_id, c.key)).split('.');
    await refused('/token', `${h}.${b64u(claimsFor(c.client_id))}.${s}`);
  });

  it('RFC 7523 §3 item 9 — a kid that names no registered key is refused, even when signed by the registered key', async () => {
    const c = await keyedClient();
    await refused('/token', await signedWith(c.key, claimsFor(c.client_id), { kid: 'not-registered' }));
  });

  it('RFC 7523 §3 item 9 — an attacker key presented under the registered kid is refused', async () => {
    const c = await keyedClient();
    const attacker = await clientKey('ES256');
    await refused('/token', await clientAssertion(c.client_id, { ...attacker, kid: c.key.kid }));
  });

  it.each([
    ['jku', 'https://attacker.example/jwks.json'],
    ['x5u', 'https://attacker.example/cert.pem'],
  ])('RFC 8725 §3.10 — a "%s" header pointing elsewhere is refused', async (name, value) => {
    const c = await keyedClient();
    const attacker = await clientKey('ES256');
    await refused('/token', await signedWith({ ...attacker, kid: c.key.kid }, claimsFor(c.client_id), { [name]: value }));
    // Not even with the right key: a JWT must never choose where its key comes from.
    await refused('/token', await signedWith(c.key, claimsFor(c.client_id), { [name]: value }));
  });

  it('RFC 8725 §3.10 — an embedded "jwk" header (the attacker\'s own key) is refused', async () => {
    const c = await keyedClient();
    const attacker = await clientKey('ES256');
    await refused('/token', await signedWith(attacker, claimsFor(c.client_id), { jwk: attacker.publicJwk, kid: c.key.kid }));
  });

  it('RFC 8725 §3.10 — an embedded "x5c" header is refused', async () => {
    const c = await keyedClient();
    await refused('/token', await signedWith(c.key, claimsFor(c.client_id), { x5c: ['MIIBkTCB+wIJAKHHIG...'] }));
  });

  it('RFC 7515 §4.1.11 — a "crit" header naming an unknown extension is refused', async () => {
    const c = await keyedClient();
    const jwt = await es256Raw(c.key.privateKey as CryptoKey, { kid: c.key.kid, crit: ['urn:x'], 'urn:x': true }, claimsFor(c.client_id));
    await refused('/token', jwt);
  });

  it('RFC 7523 §3 item 4 — an expired assertion is refused', async () => {
    const c = await keyedClient();
    const now = Math.floor(Date.now() / 1000);
    await refused('/token', await signedWith(c.key, claimsFor(c.client_id, { iat: now - 600, exp: now - 300 }), {}));
  });

  it('RFC 7523 §3 item 5 — an assertion with nbf in the future is refused', async () => {
    const c = await keyedClient();
    const now = Math.floor(Date.now() / 1000);
    await refused('/token', await signedWith(c.key, claimsFor(c.client_id, { nbf: now + 600, exp: now + 660 }), {}));
  });

  it('RFC 7523 §3 item 3 — an assertion for another audience (another server) is refused (fapi2-security-profile-final-ensure-client-assertion-with-wrong-aud-fails)', async () => {
    const c = await keyedClient();
    await refused('/token', await signedWith(c.key, claimsFor(c.client_id, { aud: 'https://other-op.example' }), {}));
  });

  it('RFC 7523 §3 item 7 — a replayed assertion (same jti) is refused the second time', async () => {
    const c = await keyedClient();
    const assertion = await clientAssertion(c.client_id, c.key);
    expect((await call('/token', form(bodyFor('/token', assertion)))).status).toBe(200);
    await refused('/token', assertion);
  });

  it('RFC 7523 §3 item 1-2 — iss ≠ sub (an assertion about another client) is refused', async () => {
    const c = await keyedClient();
    const victim = await keyedClient();
    await refused('/token', await signedWith(c.key, claimsFor(victim.client_id, { iss: c.client_id }), {}));
    await refused('/token', await signedWith(c.key, claimsFor(c.client_id, { iss: victim.client_id }), {}));
  });

  it('RFC 7523 §3 — client A\'s key cannot sign an assertion for client B (sub = B)', async () => {
    const a = await keyedClient();
    const b = await keyedClient();
    await refused('/token', await signedWith(a.key, claimsFor(b.client_id), {}));
  });
});
