import { describe, expect, it } from 'vitest';
import { ConfigError, mtlsEndpointAliases, parseConfig } from '../../src/config';
import { derOfRfc9440, subjectAltNames } from '../../src/oauth/certificate-san';
import { certificateTime } from '../../src/oauth/client-auth-mtls';
import { validateClientMetadata } from '../../src/oauth/client-metadata';
import { resolveClientPolicy } from '../../src/oauth/client-policy';
import { normalizeDn, sameDn } from '../../src/oauth/distinguished-name';
import { OAuthError } from '../../src/oauth/errors';
import { CA_CERT_DER_B64, RP_CERT_DER_B64, RP_SUBJECT_DN, SELF_SIGNED_CERT_DER_B64 } from '../helpers/mtls-certificates';

const der = (b64: string) => derOfRfc9440(`:${b64}:`)!;

describe('subject DN comparison (RFC 8705 §2.1.2, RFC 4514, RFC 4517 §4.2.15 distinguishedNameMatch)', () => {
  it('matches the same DN written with other spacing, case, OID types and escapes', () => {
    expect(sameDn(RP_SUBJECT_DN, 'cn=RP.example, ou=Payments,  O=Example   RP ,2.5.4.6=nz')).toBe(true);
    expect(sameDn('CN=Doe\\, Jane,O=Example', 'CN=doe\\2C jane,O=EXAMPLE')).toBe(true);
    expect(sameDn('CN=a\\ ,O=b', 'CN=a,O=b')).toBe(true);
  });

  it('treats a multi-valued RDN as a set (RFC 4514 §2.2)', () => {
    expect(sameDn('CN=a+OU=b,O=c', 'OU=b+CN=a,O=c')).toBe(true);
  });

  it('does not match a different value, another RDN order or a missing RDN', () => {
    expect(sameDn(RP_SUBJECT_DN, 'CN=rp.example,OU=Payments,O=Example RP,C=AU')).toBe(false);
    expect(sameDn(RP_SUBJECT_DN, 'C=NZ,O=Example RP,OU=Payments,CN=rp.example')).toBe(false);
    expect(sameDn(RP_SUBJECT_DN, 'CN=rp.example,O=Example RP,C=NZ')).toBe(false);
    expect(sameDn('CN=a,O=b', 'CN=a+O=b')).toBe(false);
  });

  it('refuses strings that are not DNs', () => {
    for (const bad of ['', 'rp.example', '=x', 'CN=a,', 'C N=a', 'CN=a\\', 'CN=#zz']) expect(normalizeDn(bad), bad).toBeNull();
  });
});

describe('subjectAltName from the certificate DER (RFC 5280 §4.2.1.6; Cloudflare certRFC9440)', () => {
  it('reads every SAN kind RFC 8705 §2.1.2 matches, IPs in canonical form', () => {
    expect(subjectAltNames(der(RP_CERT_DER_B64))).toEqual({
      dns: ['rp.example', 'api.rp.example'], uri: ['https://rp.example/client'], ip: ['192.0.2.10', '[2001:db8::1]'], email: ['ops@rp.example'],
    });
    expect(subjectAltNames(der(SELF_SIGNED_CERT_DER_B64))?.dns).toEqual(['self-signed.rp.example']);
  });

  it('gives empty lists for a certificate without the extension, null for bytes that are not DER', () => {
    expect(subjectAltNames(der(CA_CERT_DER_B64))).toEqual({ dns: [], uri: [], ip: [], email: [] });
    const truncated = der(RP_CERT_DER_B64).slice(0, 300);
    expect(subjectAltNames(truncated)).toBeNull();
    expect(subjectAltNames(new Uint8Array([0x30, 0x84, 0xff, 0xff, 0xff, 0xff]))).toBeNull();
    expect(derOfRfc9440('MIIB')).toBeNull();
    expect(derOfRfc9440('')).toBeNull();
  });
});

describe('certificate times as Cloudflare reports them (certNotBefore / certNotAfter)', () => {
  it('parses the OpenSSL form, day space-padded or not', () => {
    expect(certificateTime('Dec 22 19:39:00 2018 GMT')).toBe(Date.UTC(2018, 11, 22, 19, 39, 0) / 1000);
    expect(certificateTime('Jan  1 00:00:00 2020 GMT')).toBe(Date.UTC(2020, 0, 1) / 1000);
  });

  it('refuses anything else', () => {
    for (const bad of ['', '2020-01-01T00:00:00Z', 'Foo  1 00:00:00 2020 GMT', 'Jan  1 00:00:00 2020']) expect(certificateTime(bad), bad).toBeNull();
  });
});

describe('mTLS client metadata (RFC 8705 §2.1.2, §2.2)', () => {
  const config = parseConfig({ MTLS_HOST: 'https://mtls.op.example' });
  const web = { redirect_uris: ['https://rp.example/cb'] };
  const tls = (extra: Record<string, unknown>) => ({ ...web, token_endpoint_auth_method: 'tls_client_auth', ...extra });
  const refusal = (body: unknown, cfg = config) => {
    try {
      validateClientMetadata(body, cfg);
    } catch (error) {
      return error instanceof OAuthError ? `${error.code}: ${error.message}` : String(error);
    }
    return 'accepted';
  };

  it('accepts tls_client_auth with exactly one subject, each kind', () => {
    for (const [field, value] of [
      ['tls_client_auth_subject_dn', RP_SUBJECT_DN], ['tls_client_auth_san_dns', 'rp.example'], ['tls_client_auth_san_uri', 'https://rp.example/client'],
      ['tls_client_auth_san_ip', '2001:db8::1'], ['tls_client_auth_san_email', 'ops@rp.example'],
    ]) {
      expect(validateClientMetadata(tls({ [field!]: value }), config)).toMatchObject({ token_endpoint_auth_method: 'tls_client_auth', [field!]: value });
    }
  });

  it('refuses tls_client_auth with no subject or two (RFC 8705 §2.1.2 "exactly one")', () => {
    expect(refusal(tls({}))).toMatch(/^invalid_client_metadata: token_endpoint_auth_method: tls_client_auth needs exactly one of/);
    expect(refusal(tls({ tls_client_auth_subject_dn: RP_SUBJECT_DN, tls_client_auth_san_dns: 'rp.example' }))).toMatch(/needs exactly one of/);
  });

  it('refuses malformed subject values, naming the field', () => {
    expect(refusal(tls({ tls_client_auth_subject_dn: 'rp.example' }))).toMatch(/^invalid_client_metadata: tls_client_auth_subject_dn: must be a distinguished name/);
    expect(refusal(tls({ tls_client_auth_san_dns: 'rp example' }))).toMatch(/^invalid_client_metadata: tls_client_auth_san_dns: must be a DNS name/);
    expect(refusal(tls({ tls_client_auth_san_uri: 'rp.example/client' }))).toMatch(/^invalid_client_metadata: tls_client_auth_san_uri: must be an absolute URI/);
    expect(refusal(tls({ tls_client_auth_san_ip: '192.0.2.010' }))).toMatch(/^invalid_client_metadata: tls_client_auth_san_ip: must be an IPv4/);
    expect(refusal(tls({ tls_client_auth_san_email: 'ops' }))).toMatch(/^invalid_client_metadata: tls_client_auth_san_email: must be an email/);
  });

  it('refuses subject metadata on another method', () => {
    expect(refusal({ ...web, tls_client_auth_san_dns: 'rp.example' })).toMatch(/^invalid_client_metadata: tls_client_auth_san_dns: applies only to token_endpoint_auth_method tls_client_auth/);
  });

  it('refuses self_signed_tls_client_auth without jwks/jwks_uri or without an x5c certificate (RFC 8705 §2.2)', () => {
    const self = { ...web, token_endpoint_auth_method: 'self_signed_tls_client_auth' };
    const ec = { kty: 'EC', crv: 'P-256', x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU', y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0' };
    expect(refusal(self)).toMatch(/^invalid_client_metadata: jwks: self_signed_tls_client_auth needs jwks or jwks_uri/);
    expect(refusal({ ...self, jwks: { keys: [ec] } })).toMatch(/^invalid_client_metadata: jwks: self_signed_tls_client_auth needs a key with the client certificate in x5c/);
    expect(refusal({ ...self, jwks: { keys: [{ ...ec, x5c: ['not base64!'] }] } })).toMatch(/^invalid_client_metadata: jwks: x5c must be/);
    expect(refusal({ ...self, jwks: { keys: [{ ...ec, x5c: [SELF_SIGNED_CERT_DER_B64] }] } })).toBe('accepted');
    expect(refusal({ ...self, jwks_uri: 'https://rp.example/jwks' })).toBe('accepted');
  });

  it('refuses both mTLS methods while MTLS_HOST is unset', () => {
    expect(refusal(tls({ tls_client_auth_san_dns: 'rp.example' }), parseConfig({}))).toMatch(/^invalid_client_metadata: token_endpoint_auth_method: tls_client_auth needs the MTLS_HOST setting/);
  });
});

describe('MTLS_HOST and mtls_endpoint_aliases (RFC 8705 §5)', () => {
  it('aliases token, PAR, revocation, introspection and userinfo on the mTLS host, keeping the issuer path', () => {
    expect(mtlsEndpointAliases(parseConfig({ ISSUER: 'https://op.example/t1', MTLS_HOST: 'https://mtls.op.example/' }))).toEqual({
      token: 'https://mtls.op.example/t1/token', par: 'https://mtls.op.example/t1/par', revocation: 'https://mtls.op.example/t1/revoke',
      introspection: 'https://mtls.op.example/t1/introspect', userinfo: 'https://mtls.op.example/t1/userinfo',
    });
  });

  it('lets a client assertion name the alias it called as aud, except under FAPI 2.0 (RFC 8705 §5, RFC 9126 §2)', () => {
    const config = parseConfig({ ISSUER: 'https://op.example', MTLS_HOST: 'https://mtls.op.example' });
    const client = validateClientMetadata({ redirect_uris: ['https://rp.example/cb'] }, config);
    const policy = (profile: 'default' | 'fapi2') => resolveClientPolicy({ ...client, client_profile: profile, client_id: 'c', client_id_issued_at: 0 }, config);
    expect(policy('default').assertion_audiences).toEqual(expect.arrayContaining(['https://mtls.op.example/token', 'https://mtls.op.example/par']));
    expect(policy('fapi2').assertion_audiences).toEqual(['https://op.example']);
  });

  it('has no aliases when unset or when it is the issuer origin itself', () => {
    expect(mtlsEndpointAliases(parseConfig({}))).toBeUndefined();
    expect(mtlsEndpointAliases(parseConfig({ ISSUER: 'https://op.example', MTLS_HOST: 'https://op.example' }))).toBeUndefined();
  });

  it('refuses a value that is not an https origin', () => {
    for (const bad of ['mtls.op.example', 'http://mtls.op.example', 'https://mtls.op.example/path', 'https://mtls.op.example?x']) {
      expect(() => parseConfig({ MTLS_HOST: bad }), bad).toThrow(ConfigError);
    }
  });
});
