import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config';
import { validateClientMetadata } from '../../src/oauth/client-metadata';
import { OAuthError } from '../../src/oauth/errors';

/** Logout URIs and the issuer's locality (Front-Channel Logout 1.0 §2, Back-Channel Logout 1.0 §2.2, DESIGN.md outbound fetches). */
describe('logout URIs: loopback only for a local issuer', () => {
  const local = parseConfig({ ISSUER: 'http://localhost:8787' });
  const remote = parseConfig({ ISSUER: 'https://op.example' });
  const loopback = { redirect_uris: ['https://rp.example/cb'], frontchannel_logout_uri: 'http://localhost:3000/fc', backchannel_logout_uri: 'http://127.0.0.1:3000/bc' };

  it('accepts loopback http logout URIs when the issuer is local (development)', () => {
    expect(validateClientMetadata(loopback, local)).toMatchObject({ frontchannel_logout_uri: 'http://localhost:3000/fc', backchannel_logout_uri: 'http://127.0.0.1:3000/bc' });
  });

  it.each(['frontchannel_logout_uri', 'backchannel_logout_uri'])('refuses a loopback http %s when the issuer is not local: invalid_client_metadata', (field) => {
    const input = { redirect_uris: ['https://rp.example/cb'], [field]: (loopback as Record<string, unknown>)[field] };
    let error: unknown;
    try {
      validateClientMetadata(input, remote);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OAuthError);
    expect((error as OAuthError).code).toBe('invalid_client_metadata');
    expect((error as OAuthError).message).toContain(field);
  });

  it('refuses a private-address backchannel_logout_uri even for a local issuer (the outbound guard\'s target rule)', () => {
    expect(() => validateClientMetadata({ redirect_uris: ['https://rp.example/cb'], backchannel_logout_uri: 'https://192.168.1.10/bc' }, local)).toThrow(/backchannel_logout_uri/);
  });
});
