import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { errorOf } from '../helpers/errors';
import { rpTlsClientAuth, SELF_SIGNED_CERT_DER_B64, selfSignedTlsClientAuth } from '../helpers/mtls-certificates';
import { authzParams } from '../helpers/par';
import { hitsOf, publish } from '../helpers/rp-server';
import { ADMIN_TOKEN, testEnv, unique } from '../helpers/worker';

/**
 * self_signed_tls_client_auth with the certificate published at a jwks_uri
 * (RFC 8705 §2.2), served by the real local HTTP server. A loopback jwks_uri
 * is allowed only for a local issuer, so this deployment runs with one.
 */
const LOCAL_ISSUER = 'http://127.0.0.1:8787';
const app = createApp();
const env = { ...testEnv, ISSUER: LOCAL_ISSUER, MTLS_HOST: 'http://127.0.0.1:8788' };
const local = (path: string, init: RequestInit & { cf?: unknown } = {}) => app.fetch(new Request(new URL(path, LOCAL_ISSUER), init as RequestInit), env);

const SELF_SIGNED_KEY = {
  kty: 'EC', crv: 'P-256', x: 'lvd_bBSX4c_hOMosW6Tr8FWVXfqMscGVlqMkvnYn-0A', y: '5TDJB7j_5CLe0t4UXsOj-RjkXsyFofMNb9J0wHs56Sw', x5c: [SELF_SIGNED_CERT_DER_B64],
};

async function registerWithJwksUri(jwks_uri: string): Promise<string> {
  const res = await local('/admin/clients', {
    method: 'POST',
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ client_id: unique('mtls-uri'), redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'self_signed_tls_client_auth', jwks_uri }),
  });
  if (res.status !== 201) throw new Error(`registration failed: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { client_id: string }).client_id;
}

const par = (client_id: string, tlsClientAuth: Record<string, unknown>) => local('/par', {
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams({ ...authzParams(), client_id }).toString(),
  cf: { tlsClientAuth },
});

describe('self_signed_tls_client_auth with a jwks_uri, against a real HTTP endpoint (RFC 8705 §2.2)', () => {
  it('authenticates the first x5c certificate of a key published at jwks_uri', async () => {
    const name = unique('self-signed');
    const client_id = await registerWithJwksUri(await publish(name, { keys: [SELF_SIGNED_KEY] }));
    expect((await par(client_id, selfSignedTlsClientAuth())).status).toBe(201);
    expect(await hitsOf(name)).toBe(1);
  });

  it('refuses a certificate not published there, without refetching the document inside the refresh cooldown', async () => {
    const name = unique('self-signed');
    const client_id = await registerWithJwksUri(await publish(name, { keys: [SELF_SIGNED_KEY] }));
    for (let attempt = 0; attempt < 2; attempt++) {
      const body = await errorOf(await par(client_id, rpTlsClientAuth()));
      expect({ status: body.status, error: body.error }).toEqual({ status: 401, error: 'invalid_client' });
    }
    expect(await hitsOf(name)).toBe(1);
  });
});
