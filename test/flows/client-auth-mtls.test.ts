import { exports } from 'cloudflare:workers';
import * as oauth from 'oauth4webapi';
import { describe, expect, it } from 'vitest';
import { createUser } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { authorizeUrl, loginAndConsent } from '../helpers/interaction';
import {
  RP_CERT_DER_B64, RP_SUBJECT_DN, rpTlsClientAuth, SELF_SIGNED_CERT_DER_B64, selfSignedTlsClientAuth,
} from '../helpers/mtls-certificates';
import { appWith, authzParams, parKeys, storedSince } from '../helpers/par';
import { ADMIN_TOKEN, ISSUER, unique } from '../helpers/worker';

/**
 * Mutual-TLS client authentication (RFC 8705 §2) at /par, /token, /revoke and
 * /introspect, with the certificate as Cloudflare reports it in
 * `request.cf.tlsClientAuth`. Clients are registered on a deployment with
 * MTLS_HOST set; the authenticating requests go through the Worker's own
 * fetch handler with a `cf` object, the way the platform hands them over.
 */
const MTLS_HOST = 'https://mtls.op.example';
const mtlsDeployment = appWith({ MTLS_HOST });
const ids = new Set<string>();

async function register(metadata: Record<string, unknown>): Promise<string> {
  const res = await mtlsDeployment('/admin/clients', {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      client_id: unique('mtls'), redirect_uris: ['https://rp.example/cb'], scope: 'openid profile email',
      grant_types: ['authorization_code', 'client_credentials'], ...metadata,
    }),
  });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  const { client_id } = (await res.json()) as { client_id: string };
  ids.add(client_id);
  return client_id;
}

/** A request as it reaches the Worker on an mTLS-enabled host: `request.cf.tlsClientAuth` set by the platform. */
function platformFetch(tlsClientAuth?: Record<string, unknown>) {
  return (url: string | URL, init?: RequestInit) =>
    exports.default.fetch(new Request(url, { ...init, ...(tlsClientAuth && { cf: { tlsClientAuth } }) } as RequestInit));
}

function post(path: string, params: Record<string, string>, tlsClientAuth?: Record<string, unknown>): Promise<Response> {
  return platformFetch(tlsClientAuth)(new URL(path, MTLS_HOST), {
    method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString(),
  });
}

async function expectInvalidClient(res: Response) {
  const body = await errorOf(res);
  expect({ status: body.status, error: body.error }).toEqual({ status: 401, error: 'invalid_client' });
  expect(body.client_auth_id).toBeTypeOf('string');
}

/** A /par refused with invalid_client that stored nothing. */
async function refusedAtPar(client_id: string, tlsClientAuth?: Record<string, unknown>) {
  const before = await parKeys();
  await expectInvalidClient(await post('/par', { ...authzParams(), client_id }, tlsClientAuth));
  expect(await storedSince(before, ids)).toEqual([]);
}

const clientCredentials = (client_id: string) => ({ grant_type: 'client_credentials', client_id });

describe('tls_client_auth (RFC 8705 §2.1)', () => {
  it('runs PAR, authorization and the code exchange through the mTLS aliases, authenticated by subject DN (RFC 8705 §2.1, §5)', async () => {
    const client_id = await register({ token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: RP_SUBJECT_DN });
    const as = await oauth.processDiscoveryResponse(new URL(ISSUER), await mtlsDeployment('/.well-known/openid-configuration'));
    const client: oauth.Client = { client_id, use_mtls_endpoint_aliases: true };
    const options = { [oauth.customFetch]: platformFetch(rpTlsClientAuth()) };
    const code_verifier = oauth.generateRandomCodeVerifier();
    const params = new URLSearchParams({ ...authzParams({ code_challenge: await oauth.calculatePKCECodeChallenge(code_verifier) }), client_id });
    const pushed = await oauth.processPushedAuthorizationResponse(as, client,
      await oauth.pushedAuthorizationRequest(as, client, oauth.TlsClientAuth(), params, options));
    expect(as.mtls_endpoint_aliases?.pushed_authorization_request_endpoint).toBe(`${MTLS_HOST}/par`);

    const user = await createUser();
    const callback = await loginAndConsent(authorizeUrl({ client_id, request_uri: pushed.request_uri }), user);
    const answer = oauth.validateAuthResponse(as, client, callback.params, oauth.skipStateCheck);
    const tokens = await oauth.processAuthorizationCodeResponse(as, client,
      await oauth.authorizationCodeGrantRequest(as, client, oauth.TlsClientAuth(), answer, 'https://rp.example/cb', code_verifier, options));
    expect(tokens.token_type).toBe('bearer');
    expect(tokens.access_token).toBeTypeOf('string');
  });

  it('matches a subject DN registered in another spelling (RFC 8705 §2.1.2, RFC 4514)', async () => {
    const client_id = await register({ token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'cn=RP.example, ou=Payments, o=Example RP, 2.5.4.6=nz' });
    expect((await post('/par', { ...authzParams(), client_id }, rpTlsClientAuth())).status).toBe(201);
  });

  it('refuses a certificate with another subject DN (RFC 8705 §2.1.2)', async () => {
    const client_id = await register({ token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: 'CN=other.example,O=Example RP,C=NZ' });
    await refusedAtPar(client_id, rpTlsClientAuth());
  });

  it('refuses a certificate the platform did not verify against the zone CA (RFC 8705 §2.1)', async () => {
    const client_id = await register({ token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: RP_SUBJECT_DN });
    await refusedAtPar(client_id, rpTlsClientAuth({ certVerified: 'FAILED:unable to verify the first certificate' }));
    await refusedAtPar(client_id, rpTlsClientAuth({ certVerified: 'FAILED:self signed certificate' }));
  });

  it('refuses a revoked certificate (RFC 8705 §2.1)', async () => {
    const client_id = await register({ token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: RP_SUBJECT_DN });
    await refusedAtPar(client_id, rpTlsClientAuth({ certRevoked: '1' }));
  });

  it('refuses a request without a client certificate, or with the placeholder of none (RFC 8705 §2)', async () => {
    const client_id = await register({ token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: RP_SUBJECT_DN });
    await refusedAtPar(client_id);
    const placeholder = Object.fromEntries(Object.keys(rpTlsClientAuth()).map((k) => [k, '']));
    await refusedAtPar(client_id, { ...placeholder, certPresented: '0', certVerified: 'NONE', certRevoked: '0' });
  });

  it('authenticates at /token and refuses an expired or not yet valid certificate there (RFC 8705 §2.1)', async () => {
    const client_id = await register({ token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: RP_SUBJECT_DN });
    const ok = await post('/token', clientCredentials(client_id), rpTlsClientAuth());
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { token_type: string }).token_type).toBe('Bearer');
    await expectInvalidClient(await post('/token', clientCredentials(client_id), rpTlsClientAuth({ certNotAfter: 'Jan  1 00:00:00 2021 GMT' })));
    await expectInvalidClient(await post('/token', clientCredentials(client_id), rpTlsClientAuth({ certNotBefore: 'Jan  1 00:00:00 2999 GMT' })));
  });

  it('refuses a client secret from a tls_client_auth client: only the registered method counts (RFC 8705 §2)', async () => {
    const client_id = await register({ token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_subject_dn: RP_SUBJECT_DN });
    await expectInvalidClient(await post('/token', { ...clientCredentials(client_id), client_secret: 'guess' }, rpTlsClientAuth()));
  });

  it.each([
    ['tls_client_auth_san_dns', 'api.rp.example'], ['tls_client_auth_san_uri', 'https://rp.example/client'],
    ['tls_client_auth_san_ip', '2001:DB8:0::1'], ['tls_client_auth_san_email', 'ops@rp.example'],
  ])('matches %s against the certificate SAN from certRFC9440 (RFC 8705 §2.1.2)', async (field, value) => {
    const client_id = await register({ token_endpoint_auth_method: 'tls_client_auth', [field]: value });
    expect((await post('/par', { ...authzParams(), client_id }, rpTlsClientAuth())).status).toBe(201);
  });

  it('refuses a SAN the certificate lacks, and a SAN check without the certificate bytes (RFC 8705 §2.1.2)', async () => {
    const client_id = await register({ token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'other.rp.example' });
    await refusedAtPar(client_id, rpTlsClientAuth());
    const dns = await register({ token_endpoint_auth_method: 'tls_client_auth', tls_client_auth_san_dns: 'rp.example' });
    await refusedAtPar(dns, rpTlsClientAuth({ certRFC9440: '', certRFC9440TooLarge: true }));
  });
});

describe('self_signed_tls_client_auth (RFC 8705 §2.2)', () => {
  const x5cKey = (cert: string) => ({
    kty: 'EC', crv: 'P-256', x: 'lvd_bBSX4c_hOMosW6Tr8FWVXfqMscGVlqMkvnYn-0A', y: '5TDJB7j_5CLe0t4UXsOj-RjkXsyFofMNb9J0wHs56Sw', x5c: [cert],
  });

  it('authenticates the registered self-signed certificate at /par, /token, /revoke and /introspect, though no CA verified it', async () => {
    const client_id = await register({ token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks: { keys: [x5cKey(SELF_SIGNED_CERT_DER_B64)] } });
    expect((await post('/par', { ...authzParams(), client_id }, selfSignedTlsClientAuth())).status).toBe(201);
    const token = await post('/token', clientCredentials(client_id), selfSignedTlsClientAuth());
    expect(token.status).toBe(200);
    const { access_token } = (await token.json()) as { access_token: string };
    const introspected = await post('/introspect', { token: access_token, client_id }, selfSignedTlsClientAuth());
    expect(await introspected.json()).toMatchObject({ active: true, client_id });
    expect((await post('/revoke', { token: access_token, client_id }, selfSignedTlsClientAuth())).status).toBe(200);
  });

  it('matches by the platform fingerprint when the certificate bytes are not given (certFingerprintSHA256)', async () => {
    const client_id = await register({ token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks: { keys: [x5cKey(SELF_SIGNED_CERT_DER_B64)] } });
    expect((await post('/par', { ...authzParams(), client_id }, selfSignedTlsClientAuth({ certRFC9440: '', certRFC9440TooLarge: true }))).status).toBe(201);
  });

  it('refuses a certificate that is not the registered one (RFC 8705 §2.2)', async () => {
    const client_id = await register({ token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks: { keys: [x5cKey(SELF_SIGNED_CERT_DER_B64)] } });
    await refusedAtPar(client_id, rpTlsClientAuth());
    await refusedAtPar(client_id, selfSignedTlsClientAuth({ certRFC9440: '', certFingerprintSHA256: '00'.repeat(32) }));
    const other = await register({ token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks: { keys: [x5cKey(RP_CERT_DER_B64)] } });
    await refusedAtPar(other, selfSignedTlsClientAuth());
  });
});

describe('mTLS registration and discovery (RFC 8705 §2.1.2, §5)', () => {
  it('answers invalid_client_metadata for tls_client_auth without a subject, naming the rule', async () => {
    const res = await mtlsDeployment('/admin/clients', {
      method: 'POST', headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'tls_client_auth' }),
    });
    const body = await errorOf(res);
    expect({ status: body.status, error: body.error }).toEqual({ status: 400, error: 'invalid_client_metadata' });
    expect(body.error_description).toMatch(/tls_client_auth needs exactly one of tls_client_auth_subject_dn/);
  });

  it('publishes mtls_endpoint_aliases and both methods when MTLS_HOST is set', async () => {
    const meta = (await (await mtlsDeployment('/.well-known/openid-configuration')).json()) as Record<string, unknown>;
    expect(meta.mtls_endpoint_aliases).toEqual({
      token_endpoint: `${MTLS_HOST}/token`, pushed_authorization_request_endpoint: `${MTLS_HOST}/par`, revocation_endpoint: `${MTLS_HOST}/revoke`,
      introspection_endpoint: `${MTLS_HOST}/introspect`, userinfo_endpoint: `${MTLS_HOST}/userinfo`,
    });
    for (const list of ['token_endpoint_auth_methods_supported', 'revocation_endpoint_auth_methods_supported', 'introspection_endpoint_auth_methods_supported']) {
      expect(meta[list], list).toEqual(expect.arrayContaining(['tls_client_auth', 'self_signed_tls_client_auth']));
    }
    expect(meta.token_endpoint).toBe(`${ISSUER}/token`);
  });

  it('publishes neither without MTLS_HOST', async () => {
    const meta = (await (await exports.default.fetch(new Request(`${ISSUER}/.well-known/openid-configuration`))).json()) as Record<string, unknown>;
    expect(meta).not.toHaveProperty('mtls_endpoint_aliases');
    expect(meta.token_endpoint_auth_methods_supported).not.toContain('tls_client_auth');
  });
});
