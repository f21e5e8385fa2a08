import fc from 'fast-check';
import { badJwt, value } from './arbitraries';

/**
 * Near misses of real credentials (codes, refresh and access tokens,
 * verifiers): one character changed, cut, extended, re-cased or re-joined.
 * They reach the grant objects and signature checks without ever being the
 * real thing.
 */
export function nearMiss(real: string): fc.Arbitrary<string> {
  return fc.tuple(fc.nat(), fc.constantFrom('flip', 'cut', 'extend', 'upper', 'swap-halves', 'pad', 'space')).map(([n, how]) => {
    const i = n % real.length;
    const c = real[i]!;
    switch (how) {
      case 'flip':
        return real.slice(0, i) + (c === 'A' ? 'B' : 'A') + real.slice(i + 1);
      case 'cut':
        return real.slice(0, Math.max(0, real.length - 1 - (n % 4)));
      case 'extend':
        return real + 'A';
      case 'upper': {
        const up = real.toUpperCase();
        return up === real ? real.toLowerCase() + 'x' : up;
      }
      case 'swap-halves': {
        const dot = real.indexOf('.');
        return dot > 0 ? `${real.slice(dot + 1)}.${real.slice(0, dot)}` : real.split('').reverse().join('') + 'x';
      }
      case 'pad':
        return `${real}==`;
      case 'space':
        return ` ${real}`;
    }
    return real + 'x';
  });
}

/** A credential-shaped value: a near miss of `real`, a JWT-shaped junk string, or any value. */
export function credentialLike(real: string): fc.Arbitrary<string> {
  return fc.oneof({ weight: 3, arbitrary: nearMiss(real) }, { weight: 2, arbitrary: badJwt }, { weight: 2, arbitrary: value });
}
