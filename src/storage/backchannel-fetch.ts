import type { OutboundFetch } from './logout-delivery-port';

/**
 * A minimal guarded POST for logout deliveries, standing in until the shared
 * outbound-fetch helper (DESIGN.md "outbound fetches") replaces it in
 * `backchannel-services.ts`. It refuses: anything but https, except http on
 * loopback when the issuer is itself local; loopback for a non-local issuer;
 * IP literals in private, link-local (cloud metadata), CGNAT or unspecified
 * ranges; redirects (not followed: a 3xx is a failed attempt). The caller sets
 * the timeout (`signal`) and never reads the response body.
 */
export function guardedLogoutFetch(issuer: string, fetcher: typeof fetch = fetch): OutboundFetch {
  const localIssuer = isLoopback(new URL(issuer).hostname);
  return async (url, init) => {
    const target = new URL(url);
    const loopback = isLoopback(target.hostname);
    if (loopback && !localIssuer) throw new Error('refused loopback address for a non-local issuer');
    if (target.protocol !== 'https:' && !(target.protocol === 'http:' && loopback)) {
      throw new Error(`refused ${target.protocol} URL (https only)`);
    }
    if (!loopback && isPrivateAddress(target.hostname)) throw new Error('refused private or metadata address');
    return fetcher(target.toString(), { ...init, redirect: 'manual' });
  };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host.endsWith('.localhost') || host === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(host);
}

const PRIVATE_V4: Array<[number, number]> = [
  [0x00000000, 8], [0x0a000000, 8], [0x64400000, 10], [0xa9fe0000, 16], [0xac100000, 12], [0xc0a80000, 16], [0xe0000000, 4], [0xf0000000, 4],
];

function isPrivateAddress(host: string): boolean {
  if (host === 'metadata.google.internal') return true;
  const v4 = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(host);
  if (v4) {
    const n = v4.slice(1).reduce((acc, part) => acc * 256 + Number(part), 0);
    return PRIVATE_V4.some(([net, bits]) => Math.floor(n / 2 ** (32 - bits)) === Math.floor(net / 2 ** (32 - bits)));
  }
  if (host.startsWith('[')) {
    const v6 = host.slice(1, -1).toLowerCase();
    // Unique local fc00::/7, link-local fe80::/10, unspecified, and IPv4-mapped (checked as IPv4 would need parsing: refused).
    return /^f[cd]/.test(v6) || /^fe[89ab]/.test(v6) || v6 === '::' || v6.startsWith('::ffff:');
  }
  return false;
}
