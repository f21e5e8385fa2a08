import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { appWith } from '../helpers/par';
import { call } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

type Jwk = Record<string, unknown>;
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'];

/** The JWK Set endpoint (RFC 7517 §5, OIDC Discovery §3 jwks_uri). */
describe('/jwks', () => {
  it('is cacheable and publishes only public members (RFC 7517 §5)', async () => {
    const res = await call('/jwks');
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toMatch(/^public, max-age=\d+/);
    expect(res.headers.get('content-type')).toMatch(/^application\/jwk-set\+json/);
    const { keys } = (await res.json()) as { keys: Jwk[] };
    for (const key of keys) {
      for (const m of PRIVATE_MEMBERS) expect(key, `${key.kid} ${m}`).not.toHaveProperty(m);
      expect(key.kid).toBeTypeOf('string');
      expect(key.alg).toBeTypeOf('string');
      // Signing keys are `sig`; the encryption keys for request objects (RFC 9101 §6.1) are `enc`, with their alg.
      expect(key.use).toBe(['RSA-OAEP-256', 'ECDH-ES'].includes(key.alg as string) ? 'enc' : 'sig');
    }
  });

  it('has a key with kid for each of ES256, EdDSA, PS256 and RS256 (OIDC Core §10.1)', async () => {
    const { keys } = (await (await call('/jwks')).json()) as { keys: Jwk[] };
    const byAlg = (alg: string) => keys.find((k) => k.alg === alg);
    expect(byAlg('ES256')).toMatchObject({ kty: 'EC', crv: 'P-256' });
    expect(byAlg('EdDSA')).toMatchObject({ kty: 'OKP', crv: 'Ed25519' });
    expect(byAlg('PS256')).toMatchObject({ kty: 'RSA', e: 'AQAB' });
    expect(byAlg('RS256')).toMatchObject({ kty: 'RSA', e: 'AQAB' });
    const kids = keys.map((k) => k.kid);
    expect(new Set(kids).size).toBe(kids.length);
  });

  async function privateJwk(alg: 'ES256' | 'RS256' | 'PS256' | 'EdDSA', kid: string) {
    const { privateKey } = await generateKeyPair(alg, { extractable: true, ...(alg === 'EdDSA' && { crv: 'Ed25519' }) });
    return { ...(await exportJWK(privateKey)), kid, alg };
  }

  it('publishes exactly the public halves of SIGNING_KEYS and refuses rotation (409)', async () => {
    const keys = await Promise.all([privateJwk('ES256', 'es'), privateJwk('EdDSA', 'ed'), privateJwk('PS256', 'ps'), privateJwk('RS256', 'rs')]);
    const fetch = appWith({ SIGNING_KEYS: JSON.stringify({ keys }) });
    const published = ((await (await fetch('/jwks')).json()) as { keys: Jwk[] }).keys;
    expect(published.map((k) => k.kid)).toEqual(['es', 'ed', 'ps', 'rs']);
    published.forEach((k, i) => {
      for (const m of PRIVATE_MEMBERS) expect(k).not.toHaveProperty(m);
      const source = keys[i] as Jwk;
      expect(k.kty).toBe(source.kty);
      expect(k.x ?? k.n).toBe(source.x ?? source.n);
    });
    const rotate = await fetch('/admin/keys/rotate', { method: 'POST', headers: { authorization: 'Bearer test-admin-token' } });
    expect(rotate.status).toBe(409);
  });

  it.each([
    ['not JSON', '{'],
    ['no keys', '{"keys":[]}'],
    ['a symmetric key', JSON.stringify({ keys: [{ kty: 'oct', k: 'AAAA', d: 'AAAA', kid: 'k', alg: 'HS256' }] })],
    ['a public key only', JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', kid: 'k', alg: 'ES256' }] })],
    ['missing a key for an algorithm SIGNING_ALGS lists', JSON.stringify({ keys: [{ kty: 'EC', crv: 'P-256', x: 'a', y: 'b', d: 'c', kid: 'k', alg: 'ES256' }] })],
  ])('answers server_error naming SIGNING_KEYS when it is %s (refuses to half-work)', async (_label, value) => {
    const res = await appWith({ SIGNING_KEYS: value })('/jwks');
    const body = await errorOf(res);
    expect({ status: body.status, error: body.error }).toEqual({ status: 500, error: 'server_error' });
    expect(body.error_description).toContain('SIGNING_KEYS');
  });
});
