import { describe, expect, it } from 'vitest';
import { appWith } from '../helpers/par';
import { call, ISSUER } from '../helpers/worker';

type Metadata = Record<string, unknown>;

/** OpenID Connect Discovery 1.0 §3-4 and RFC 8414 §2-3. */
describe('discovery documents', () => {
  const paths = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server'];

  it.each(paths)('serves %s as JSON with the configured issuer (OIDC Discovery §4.3, RFC 8414 §3.3)', async (path) => {
    const res = await call(path);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
    const meta = (await res.json()) as Metadata;
    expect(meta.issuer).toBe(ISSUER);
    expect(meta.jwks_uri).toBe(`${ISSUER}/jwks`);
    expect(meta.pushed_authorization_request_endpoint).toBe(`${ISSUER}/par`);
  });

  it('serves the same document at both well-known paths', async () => {
    const [a, b] = await Promise.all(paths.map(async (p) => (await call(p)).json()));
    expect(a).toEqual(b);
  });

  it('follows a configured ISSUER, without a trailing slash (RFC 8414 §2)', async () => {
    const meta = (await (await appWith({ ISSUER: 'https://id.example.com/tenant-a/' })('/.well-known/openid-configuration')).json()) as Metadata;
    expect(meta.issuer).toBe('https://id.example.com/tenant-a');
    expect(meta.pushed_authorization_request_endpoint).toBe('https://id.example.com/tenant-a/par');
  });

  it('advertises code_challenge_methods_supported ["S256"] only (RFC 9700 §2.1.1)', async () => {
    const meta = (await (await call('/.well-known/openid-configuration')).json()) as Metadata;
    expect(meta.code_challenge_methods_supported).toEqual(['S256']);
  });

  it('lists all five client authentication methods when CLIENT_SECRET_KEY is set (OIDC Discovery §3)', async () => {
    const meta = (await (await call('/.well-known/openid-configuration')).json()) as Metadata;
    expect([...(meta.token_endpoint_auth_methods_supported as string[])].sort()).toEqual(
      ['client_secret_basic', 'client_secret_jwt', 'client_secret_post', 'none', 'private_key_jwt'],
    );
    expect(meta.token_endpoint_auth_signing_alg_values_supported).not.toContain('none');
  });

  it('omits client_secret_jwt and HS algs without CLIENT_SECRET_KEY', async () => {
    const meta = (await (await appWith({ CLIENT_SECRET_KEY: '' })('/.well-known/openid-configuration')).json()) as Metadata;
    expect(meta.token_endpoint_auth_methods_supported).not.toContain('client_secret_jwt');
    expect((meta.token_endpoint_auth_signing_alg_values_supported as string[]).some((a) => a.startsWith('HS'))).toBe(false);
  });

  it('advertises PAR and response metadata as the right JSON types (RFC 9126 §5, OIDC Discovery §3)', async () => {
    const meta = (await (await call('/.well-known/openid-configuration')).json()) as Metadata;
    expect(meta.require_pushed_authorization_requests).toBe(false);
    expect(meta.response_types_supported).toEqual(['code']);
    expect(meta.subject_types_supported).toEqual(['public']);
    expect(meta.id_token_signing_alg_values_supported).toContain('RS256');
    expect(meta.scopes_supported).toContain('openid');
  });

  /**
   * Every advertised endpoint must exist. Endpoints are probed with a method
   * they accept; a missing route answers 404 `not_found`.
   */
  it('every advertised endpoint answers something other than 404 (RFC 8414 §2)', async () => {
    const meta = (await (await call('/.well-known/openid-configuration')).json()) as Metadata;
    const probes: Record<string, string> = {
      jwks_uri: 'GET',
      pushed_authorization_request_endpoint: 'POST',
      authorization_endpoint: 'GET',
      token_endpoint: 'POST',
      userinfo_endpoint: 'GET',
      revocation_endpoint: 'POST',
      introspection_endpoint: 'POST',
      end_session_endpoint: 'GET',
      check_session_iframe: 'GET',
      registration_endpoint: 'POST',
    };
    const missing: string[] = [];
    for (const [member, method] of Object.entries(probes)) {
      const url = meta[member];
      if (typeof url !== 'string') continue;
      expect(url.startsWith(ISSUER)).toBe(true);
      const init: RequestInit = method === 'POST' ? { method, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: '' } : { method };
      const res = await call(url, init);
      if (res.status === 404) missing.push(`${member} (${url})`);
      expect(res.status, `${member} ${url}`).toBeLessThan(500);
    }
    expect(missing).toEqual([]);
  });
});
