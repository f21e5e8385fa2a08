import { decodeJwt } from 'jose';
import { exports } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { confidential } from '../helpers/attack';
import { tlsClientAuth } from '../helpers/dpop';
import { errorOf } from '../helpers/errors';
import { issueCode } from '../helpers/grant';
import { basic, call, form, ISSUER } from '../helpers/worker';

/** Two SHA-256 certificate fingerprints as Cloudflare reports them (hex), and the first as `x5t#S256` (RFC 8705 §3.1). */
const CERT = 'a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const OTHER = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';
const CERT_X5T = 'obLD1OX2BxgpOktcbX6PkKGyw9Tl9gcYKTpLXG1-j5A';

/** A request as the platform hands it over an mTLS connection: `request.cf.tlsClientAuth` (RFC 8705 §2). */
function viaMtls(path: string, init: RequestInit, fingerprint?: string): Promise<Response> {
  const cf = fingerprint === undefined ? undefined : { tlsClientAuth: tlsClientAuth(fingerprint) };
  return exports.default.fetch(new Request(new URL(path, ISSUER), { ...init, ...(cf && { cf }) } as RequestInit));
}

async function redeemOverMtls(metadata: Record<string, unknown>, fingerprint?: string) {
  const client = await confidential(metadata);
  const issued = await issueCode({ client_id: client.client_id });
  const init = form({ grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier });
  const res = await viaMtls('/token', { ...init, headers: { ...(init.headers as Record<string, string>), authorization: basic(client.client_id, client.client_secret!) } }, fingerprint);
  return { client, res };
}

describe('certificate-bound access tokens (RFC 8705 §3)', () => {
  it('binds the access token to the certificate: cnf.x5t#S256 is base64url of its SHA-256, token_type stays Bearer (RFC 8705 §3.1)', async () => {
    const { res } = await redeemOverMtls({ tls_client_certificate_bound_access_tokens: true }, CERT);
    expect(res.status).toBe(200);
    const body = await res.json<{ access_token: string; token_type: string }>();
    expect(body.token_type).toBe('Bearer');
    expect(decodeJwt(body.access_token).cnf).toEqual({ 'x5t#S256': CERT_X5T });
  });

  it('serves /userinfo only over a connection with the same certificate, else 401 invalid_token (RFC 8705 §3)', async () => {
    const { res } = await redeemOverMtls({ tls_client_certificate_bound_access_tokens: true }, CERT);
    const { access_token } = await res.json<{ access_token: string }>();
    const get = (fingerprint?: string) => viaMtls('/userinfo', { headers: { authorization: `Bearer ${access_token}` } }, fingerprint);
    expect((await get(CERT)).status).toBe(200);
    for (const fingerprint of [undefined, OTHER]) {
      const refused = await get(fingerprint);
      expect(await errorOf(refused)).toMatchObject({ status: 401, error: 'invalid_token' });
      expect(refused.headers.get('www-authenticate')).toMatch(/^Bearer realm="https:\/\/op\.example", error="invalid_token"/);
    }
  });

  it('returns cnf.x5t#S256 from /introspect (RFC 8705 §3.2)', async () => {
    const { client, res } = await redeemOverMtls({ tls_client_certificate_bound_access_tokens: true }, CERT);
    const { access_token } = await res.json<{ access_token: string }>();
    const init = form({ token: access_token });
    const answer = await call('/introspect', { ...init, headers: { ...(init.headers as Record<string, string>), authorization: basic(client.client_id, client.client_secret!) } });
    expect(await answer.json()).toMatchObject({ active: true, token_type: 'Bearer', cnf: { 'x5t#S256': CERT_X5T } });
  });

  it('does not bind tokens of a client that did not register tls_client_certificate_bound_access_tokens (RFC 8705 §3.4)', async () => {
    const { res } = await redeemOverMtls({}, CERT);
    expect(decodeJwt((await res.json<{ access_token: string }>()).access_token).cnf).toBeUndefined();
  });

  it('refuses a token request of a client registered for certificate-bound tokens that presents no certificate (RFC 8705 §3.4)', async () => {
    const { client, res } = await redeemOverMtls({ tls_client_certificate_bound_access_tokens: true });
    expect(client.tls_client_certificate_bound_access_tokens).toBe(true);
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('advertises tls_client_certificate_bound_access_tokens and dpop_signing_alg_values_supported (RFC 8705 §3.3, RFC 9449 §5.1)', async () => {
    const meta = await (await call('/.well-known/openid-configuration')).json<Record<string, unknown>>();
    expect(meta.tls_client_certificate_bound_access_tokens).toBe(true);
    expect(meta.dpop_signing_alg_values_supported).toEqual(['ES256', 'ES384', 'EdDSA', 'PS256', 'PS384', 'RS256', 'RS384']);
  });
});
