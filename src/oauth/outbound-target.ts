/**
 * Which URLs the server may fetch on a client's behalf (`jwks_uri`, logout
 * endpoints): the SSRF rule shared by registration and by the outbound-fetch
 * helper (storage/outbound-fetch.ts), so both refuse the same targets.
 * Pure string rules: Workers cannot resolve a name before fetching, so a name
 * is judged by its spelling, and IP literals by their address.
 */

export type TargetCheck = { ok: true; url: URL } | { ok: false; reason: string };

const METADATA_NAMES = new Set(['metadata.google.internal', 'metadata.goog', 'metadata']);
/** Special-use suffixes that never name a public host (RFC 6761, RFC 6762, RFC 8375, ICANN .internal). */
const LOCAL_SUFFIXES = ['.localhost', '.local', '.internal', '.home.arpa', '.localdomain'];

/** Whether the issuer itself runs on this machine (localhost, 127.0.0.0/8, [::1]): then loopback targets are allowed. */
export function isLocalIssuer(issuer: string): boolean {
  try {
    return isLoopbackHost(new URL(issuer).hostname);
  } catch {
    return false;
  }
}

function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/\.$/, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  const v4 = ipv4(host);
  if (v4) return v4[0] === 127;
  const v6 = ipv6(host);
  return v6 !== undefined && v6.every((h, i) => h === (i === 7 ? 1 : 0));
}

/** Dotted-quad IPv4 as the URL parser normalises it (decimal, octal and hex spellings arrive here as a.b.c.d). */
function ipv4(host: string): number[] | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(host);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  return parts.every((p) => p <= 255) ? parts : undefined;
}

/** A bracketed IPv6 literal as eight 16-bit groups (an embedded dotted IPv4 tail included). */
function ipv6(host: string): number[] | undefined {
  if (!host.startsWith('[') || !host.endsWith(']')) return undefined;
  let body = host.slice(1, -1).split('%')[0] ?? '';
  const tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(body);
  if (tail?.[1]) {
    const v4 = ipv4(tail[1]);
    if (!v4) return undefined;
    const [a = 0, b = 0, c = 0, d = 0] = v4;
    body = body.slice(0, -tail[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head, rest] = body.split('::');
  const groups = (s: string | undefined) => (s ? s.split(':').map((g) => parseInt(g, 16)) : []);
  const front = groups(head);
  const back = groups(rest);
  const fill = body.includes('::') ? 8 - front.length - back.length : 0;
  const all = [...front, ...new Array<number>(Math.max(fill, 0)).fill(0), ...back];
  return all.length === 8 && all.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? all : undefined;
}

/** Why an IPv4 address is not a public unicast address, or undefined when it is (RFC 6890 special-purpose registry). */
function v4Problem([a = 0, b = 0]: number[]): string | undefined {
  if (a === 127) return 'loopback';
  if (a === 169 && b === 254) return 'link-local or metadata';
  if (a === 0) return 'unspecified ("this network")';
  if (a === 10 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168)) return 'private';
  if ((a === 100 && b >= 64 && b <= 127) || (a === 192 && b === 0) || (a === 198 && (b === 18 || b === 19))) return 'shared or reserved';
  if (a >= 224) return 'multicast or reserved';
  return undefined;
}

/** The same for IPv6; IPv4-mapped, -compatible, NAT64 and 6to4 addresses are judged by the IPv4 address inside. */
function v6Problem(groups: number[]): string | undefined {
  const g = (i: number) => groups[i] ?? 0;
  const embedded = (hi: number, lo: number) => v4Problem([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]) ?? 'an IPv4 address in IPv6 form';
  if (groups.slice(0, 7).every((x) => x === 0) && g(7) <= 1) return g(7) === 1 ? 'loopback' : 'unspecified';
  if (groups.slice(0, 5).every((x) => x === 0) && (g(5) === 0xffff || g(5) === 0)) return embedded(g(6), g(7));
  if (g(0) === 0x64 && g(1) === 0xff9b) return embedded(g(6), g(7));
  if (g(0) === 0x2002) return embedded(g(1), g(2));
  if ((g(0) & 0xfe00) === 0xfc00) return 'unique local (private)';
  if ((g(0) & 0xffc0) === 0xfe80 || (g(0) & 0xffc0) === 0xfec0) return 'link-local';
  if ((g(0) & 0xff00) === 0xff00) return 'multicast';
  return undefined;
}

/** Why `hostname` is not a public host, or undefined when it may be fetched. */
function hostProblem(hostname: string): string | undefined {
  const host = hostname.replace(/\.$/, '').toLowerCase();
  if (METADATA_NAMES.has(host)) return 'a cloud metadata endpoint';
  if (host === 'localhost' || host.endsWith('.localhost')) return 'loopback';
  const v4 = ipv4(host);
  if (v4) return v4Problem(v4);
  if (host.startsWith('[')) {
    const v6 = ipv6(host);
    return v6 ? v6Problem(v6) : 'not a valid IPv6 address';
  }
  if (/^[\d.]+$/.test(host) || /^0x/.test(host)) return 'not a valid IPv4 address';
  if (!host.includes('.')) return 'a single-label name (not a public host name)';
  if (LOCAL_SUFFIXES.some((s) => host.endsWith(s))) return 'a local-only name';
  return undefined;
}

/**
 * Whether the server may fetch `value`: https to a public host; loopback
 * (http or https) only when `allowLoopback` (the issuer itself is local).
 * Refuses private, link-local, metadata and reserved addresses however the
 * literal is spelled (RFC 6890; DESIGN.md "outbound fetches").
 */
export function checkOutboundTarget(value: string, allowLoopback: boolean): TargetCheck {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return { ok: false, reason: `"${value}" is not an absolute URL` };
  }
  if (url.username || url.password) return { ok: false, reason: 'must not contain userinfo' };
  const loopback = isLoopbackHost(url.hostname);
  if (loopback && allowLoopback && (url.protocol === 'http:' || url.protocol === 'https:')) return { ok: true, url };
  if (url.protocol !== 'https:') return { ok: false, reason: `must use https${allowLoopback ? ' (http only for loopback)' : ''}` };
  const problem = hostProblem(url.hostname);
  if (problem) return { ok: false, reason: `host ${url.hostname} is ${problem}; only public hosts may be fetched` };
  return { ok: true, url };
}
