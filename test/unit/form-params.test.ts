import { describe, expect, it } from 'vitest';
import { OAuthError } from '../../src/oauth/errors';
import { parseParams, readBody } from '../../src/http/form';

/** Form parameter parsing (RFC 6749 §3.1: no repeated parameters, empty means omitted). */
describe('parseParams', () => {
  function refusal(text: string): OAuthError {
    try {
      parseParams(text);
    } catch (error) {
      return error as OAuthError;
    }
    throw new Error(`"${text}" was accepted`);
  }

  it.each(['a=1&a=2', 'a=1&a=', 'a=&a=1', 'scope=openid&state=x&scope=openid', 'a=1&b=2&a=1'])('refuses a repeated parameter in %s (RFC 6749 §3.1)', (text) => {
    const error = refusal(text);
    expect(error).toBeInstanceOf(OAuthError);
    expect(error.code).toBe('invalid_request');
    expect(error.status).toBe(400);
  });

  it('treats an empty value as omitted (RFC 6749 §3.1)', () => {
    expect([...parseParams('a=&b=2')]).toEqual([['b', '2']]);
  });

  it('decodes + and percent-encoding, keeping values byte for byte', () => {
    const params = parseParams('state=a+b%2Bc%20d%26e%3D&nonce=%F0%9F%98%80');
    expect(params.get('state')).toBe('a b+c d&e=');
    expect(params.get('nonce')).toBe('😀');
  });

  it('treats differently-cased names as different parameters (names are case-sensitive)', () => {
    expect(parseParams('Scope=a&scope=b').size).toBe(2);
  });

  it('parses an empty body as no parameters', () => {
    expect(parseParams('').size).toBe(0);
  });
});

describe('readBody', () => {
  const request = (body: string | Uint8Array, headers: Record<string, string> = {}) => new Request('https://op.example/par', { method: 'POST', body, headers });

  it('refuses a declared Content-Length over the limit with 413 before reading', async () => {
    await expect(readBody(request('x', { 'content-length': '2000' }), 1000)).rejects.toMatchObject({ status: 413, code: 'invalid_request' });
  });

  it('refuses an actual body over the limit with 413', async () => {
    await expect(readBody(request('x'.repeat(1001)), 1000)).rejects.toMatchObject({ status: 413, code: 'invalid_request' });
  });

  it('accepts a body exactly at the limit', async () => {
    expect(await readBody(request('x'.repeat(1000)), 1000)).toHaveLength(1000);
  });

  it('refuses invalid UTF-8 with invalid_request', async () => {
    await expect(readBody(request(new Uint8Array([0x61, 0xff, 0xfe])), 1000)).rejects.toMatchObject({ status: 400, code: 'invalid_request' });
  });
});
