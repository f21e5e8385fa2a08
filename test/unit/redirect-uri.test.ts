import { describe, expect, it } from 'vitest';
import { checkRedirectUri, checkWebUri } from '../../src/oauth/redirect-uri';

/** Registration rules for redirect URIs (RFC 6749 §3.1.2, RFC 8252 §7, RFC 9700 §4.1). */
describe('checkRedirectUri', () => {
  it.each([
    ['https://rp.example/cb', 'web'],
    ['https://rp.example/cb?static=1', 'web'],
    ['http://localhost/cb', 'web'],
    ['http://127.0.0.1:49152/cb', 'native'],
    ['http://[::1]:3000/', 'native'],
    ['com.example.app:/oauth2redirect', 'native'],
    ['com.example.app://callback', 'native'],
  ] as const)('accepts %s for a %s client', (uri, type) => {
    expect(checkRedirectUri(uri, type)).toEqual({ ok: true });
  });

  it.each([
    ['https://rp.example/cb#x', 'web', 'fragment'],
    ['https://rp.example/cb#', 'web', 'fragment'],
    ['http://rp.example/cb', 'web', 'https'],
    ['http://127.0.0.2/cb', 'native', 'https'],
    ['http://localhost.evil.example/cb', 'web', 'https'],
    ['javascript:alert(1)', 'native', 'javascript:'],
    ['JavaScript:alert(1)', 'native', 'javascript:'],
    ['data:text/html,x', 'native', 'data:'],
    ['file:///etc/passwd', 'native', 'file:'],
    ['vbscript:x', 'native', 'vbscript:'],
    ['com.example.app:/cb', 'web', 'native'],
    ['myapp:/cb', 'native', 'reverse domain'],
    ['/relative', 'web', 'absolute'],
    ['', 'web', 'non-empty'],
    ['https://u:p@rp.example/cb', 'web', 'userinfo'],
    ['http://u@localhost/cb', 'web', 'userinfo'],
    [`https://rp.example/${'a'.repeat(2048)}`, 'web', '2048'],
  ] as const)('refuses %s for a %s client (reason mentions %s)', (uri, type, reason) => {
    const result = checkRedirectUri(uri, type);
    expect(result.ok).toBe(false);
    expect((result as { reason: string }).reason).toContain(reason);
  });

  it('refuses non-strings', () => {
    for (const value of [undefined, null, 42, {}, ['https://rp.example/cb']]) expect(checkRedirectUri(value, 'web').ok).toBe(false);
  });

  it('checkWebUri never accepts a private-use scheme', () => {
    expect(checkWebUri('com.example.app:/x').ok).toBe(false);
    expect(checkWebUri('https://rp.example/jwks').ok).toBe(true);
  });
});
