import type { Config } from '../config';
import { base64url, utf8 } from '../crypto/encoding';

/** Seconds one nonce slot lasts; the current and the previous slot's nonces are accepted, so a nonce lives 5 to 10 minutes. */
export const DPOP_NONCE_PERIOD = 300;

interface SlotNonces {
  slot: number;
  current: string;
  previous: string;
}

/** Per configuration: its HMAC key, and the nonces of the last slot asked for (so a check normally costs no HMAC). */
const keys = new WeakMap<Config, Promise<CryptoKey>>();
const slots = new WeakMap<Config, SlotNonces>();

function keyOf(config: Config): Promise<CryptoKey> {
  let key = keys.get(config);
  if (!key) {
    key = crypto.subtle.importKey('raw', utf8(config.dpopNonceSecret ?? ''), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
    keys.set(config, key);
  }
  return key;
}

async function nonceOfSlot(key: CryptoKey, slot: number): Promise<string> {
  return base64url(await crypto.subtle.sign('HMAC', key, utf8(`dpop-nonce:${slot}`)));
}

async function noncesAt(config: Config, now: number): Promise<SlotNonces> {
  const slot = Math.floor(now / DPOP_NONCE_PERIOD);
  const known = slots.get(config);
  if (known?.slot === slot) return known;
  const key = await keyOf(config);
  const [current, previous] = await Promise.all([nonceOfSlot(key, slot), nonceOfSlot(key, slot - 1)]);
  const nonces = { slot, current, previous };
  slots.set(config, nonces);
  return nonces;
}

/**
 * The server's current DPoP nonce (RFC 9449 §8): HMAC-SHA-256 under
 * `DPOP_NONCE_SECRET` of the current time slot, so every isolate derives the
 * same value and nothing is stored.
 */
export async function dpopNonce(config: Config, now: number): Promise<string> {
  return (await noncesAt(config, now)).current;
}

/** Whether `nonce` is the current or the previous slot's nonce (RFC 9449 §8: the server decides how long one is good). */
export async function isFreshDpopNonce(config: Config, nonce: string, now: number): Promise<boolean> {
  const { current, previous } = await noncesAt(config, now);
  return nonce === current || nonce === previous;
}
