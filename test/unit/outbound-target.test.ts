import { describe, expect, it } from 'vitest';
import { checkOutboundTarget, isLocalIssuer } from '../../src/oauth/outbound-target';

/** The SSRF rule for server-side fetches of client metadata URLs (DESIGN.md "outbound fetches", RFC 6890). */
describe('checkOutboundTarget', () => {
  it.each([
    ['https://rp.example/jwks.json'],
    ['https://203.0.113.10/jwks'],
    ['https://[2001:db8::1]/jwks'],
  ])('allows https to a public host: %s', (uri) => {
    expect(checkOutboundTarget(uri, false).ok).toBe(true);
  });

  it.each([
    ['http to a public host', 'http://rp.example/jwks'],
    ['loopback 127.0.0.1', 'https://127.0.0.1/jwks'],
    ['loopback 127.1.2.3', 'https://127.1.2.3/jwks'],
    ['loopback [::1]', 'https://[::1]/jwks'],
    ['localhost', 'https://localhost/jwks'],
    ['a name under .localhost (RFC 6761 §6.3)', 'https://evil.localhost/jwks'],
    ['private 10/8', 'https://10.0.0.7/jwks'],
    ['private 172.16/12', 'https://172.31.255.1/jwks'],
    ['private 192.168/16', 'https://192.168.1.1/jwks'],
    ['link-local 169.254/16', 'https://169.254.10.10/jwks'],
    ['the cloud metadata address', 'https://169.254.169.254/latest/meta-data'],
    ['metadata.google.internal', 'https://metadata.google.internal/computeMetadata/v1/'],
    ['the AWS IPv6 metadata address', 'https://[fd00:ec2::254]/latest'],
    ['unique local fc00::/7', 'https://[fc00::1]/jwks'],
    ['link-local fe80::/10', 'https://[fe80::1]/jwks'],
    ['0.0.0.0', 'https://0.0.0.0/jwks'],
    ['decimal IPv4 for 127.0.0.1', 'https://2130706433/jwks'],
    ['octal IPv4 for 127.0.0.1', 'https://0177.0.0.1/jwks'],
    ['hex IPv4 for 127.0.0.1', 'https://0x7f.0.0.1/jwks'],
    ['short-form IPv4 for 10.0.0.1', 'https://10.1/jwks'],
    ['IPv4-mapped IPv6 loopback', 'https://[::ffff:127.0.0.1]/jwks'],
    ['IPv4-mapped IPv6 metadata', 'https://[::ffff:a9fe:a9fe]/jwks'],
    ['NAT64 of a private address', 'https://[64:ff9b::a00:1]/jwks'],
    ['a single-label name', 'https://intranet/jwks'],
    ['userinfo', 'https://user:pw@rp.example/jwks'],
    ['a file URL', 'file:///etc/passwd'],
  ])('refuses %s', (_label, uri) => {
    expect(checkOutboundTarget(uri, false).ok).toBe(false);
  });

  it('allows loopback, over http too, only when the issuer itself is local', () => {
    expect(checkOutboundTarget('http://127.0.0.1:9999/jwks', true).ok).toBe(true);
    expect(checkOutboundTarget('http://[::1]:9999/jwks', true).ok).toBe(true);
    expect(checkOutboundTarget('http://127.0.0.1:9999/jwks', false).ok).toBe(false);
    // The loopback allowance never opens private or metadata addresses, nor http elsewhere.
    expect(checkOutboundTarget('http://10.0.0.1/jwks', true).ok).toBe(false);
    expect(checkOutboundTarget('https://169.254.169.254/', true).ok).toBe(false);
    expect(checkOutboundTarget('http://rp.example/jwks', true).ok).toBe(false);
  });
});

describe('isLocalIssuer', () => {
  it.each([
    ['http://localhost:8787', true],
    ['http://127.0.0.1:9000', true],
    ['http://127.9.9.9', true],
    ['http://[::1]:8787', true],
    ['https://op.example', false],
    ['https://10.0.0.1', false],
    ['not a url', false],
  ])('%s → %s', (issuer, local) => {
    expect(isLocalIssuer(issuer)).toBe(local);
  });
});
