import { describe, expect, it } from 'vitest';
import { ConfigError, getConfig, parseConfig } from '../../src/config';
import { DPOP_NONCE_PERIOD, dpopNonce, isFreshDpopNonce } from '../../src/oauth/dpop-nonce';
import { ISSUER } from '../helpers/worker';

const config = getConfig({ ISSUER, DPOP_NONCE: 'true', DPOP_NONCE_SECRET: 'unit-dpop-nonce-secret-0123456789abcdef' });
const T = 1_800_000_000;

describe('DPoP nonces derived from time and a secret (RFC 9449 §8)', () => {
  it('accepts the current and the previous slot\'s nonce, refuses older ones', async () => {
    const nonce = await dpopNonce(config, T);
    expect(await isFreshDpopNonce(config, nonce, T)).toBe(true);
    expect(await isFreshDpopNonce(config, nonce, T + DPOP_NONCE_PERIOD)).toBe(true);
    expect(await isFreshDpopNonce(config, nonce, T + 2 * DPOP_NONCE_PERIOD)).toBe(false);
  });

  it('differs per secret, so nonces cannot be made without it', async () => {
    const other = getConfig({ ISSUER, DPOP_NONCE: 'true', DPOP_NONCE_SECRET: 'another-dpop-nonce-secret-0123456789abcd' });
    expect(await dpopNonce(other, T)).not.toBe(await dpopNonce(config, T));
    expect(await isFreshDpopNonce(config, await dpopNonce(other, T), T)).toBe(false);
  });

  it('refuses DPOP_NONCE=true without a DPOP_NONCE_SECRET of at least 32 characters', () => {
    expect(() => parseConfig({ ISSUER, DPOP_NONCE: 'true' })).toThrow(ConfigError);
    expect(() => parseConfig({ ISSUER, DPOP_NONCE: 'true', DPOP_NONCE_SECRET: 'short' })).toThrow(/DPOP_NONCE_SECRET/);
  });
});
