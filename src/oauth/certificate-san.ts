/**
 * The subjectAltName entries of an X.509 certificate (RFC 5280 §4.2.1.6),
 * read from its DER: only as much DER as reaching that one extension takes.
 * Cloudflare hands a Worker the leaf certificate as an RFC 9440 value
 * (`certRFC9440`); its SAN is what the `tls_client_auth_san_*` metadata of
 * RFC 8705 §2.1.2 is matched against.
 */

/** The SAN entries RFC 8705 §2.1.2 can match, IP addresses in canonical text form. */
export interface SubjectAltNames {
  dns: string[];
  uri: string[];
  ip: string[];
  email: string[];
}

interface Tlv {
  tag: number;
  /** Offset of the contents. */
  start: number;
  /** Offset just past the contents. */
  end: number;
}

/** One DER TLV at `offset`, bounded by `limit`; null when the bytes are not DER. */
function tlv(der: Uint8Array, offset: number, limit: number): Tlv | null {
  if (offset + 2 > limit) return null;
  const tag = der[offset]!;
  if ((tag & 0x1f) === 0x1f) return null;
  let length = der[offset + 1]!;
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0 || count > 3 || start + count > limit) return null;
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + der[start + i]!;
    start += count;
  }
  const end = start + length;
  return end > limit ? null : { tag, start, end };
}

/** The TLVs directly inside a constructed value. */
function children(der: Uint8Array, parent: Tlv): Tlv[] | null {
  const list: Tlv[] = [];
  for (let at = parent.start; at < parent.end;) {
    const child = tlv(der, at, parent.end);
    if (!child) return null;
    list.push(child);
    at = child.end;
  }
  return list;
}

const SEQUENCE = 0x30;
const EXTENSIONS = 0xa3;
const OID = 0x06;
const OCTET_STRING = 0x04;
/** id-ce-subjectAltName, 2.5.29.17 */
const SAN_OID = [0x55, 0x1d, 0x11];

function ipText(bytes: Uint8Array): string | null {
  if (bytes.length === 4) return bytes.join('.');
  if (bytes.length !== 16) return null;
  const groups = Array.from({ length: 8 }, (_, i) => ((bytes[2 * i]! << 8) | bytes[2 * i + 1]!).toString(16));
  return canonicalIp(groups.join(':'));
}

/** An IPv4 or IPv6 address in the one text form the WHATWG URL parser gives it, or null. */
export function canonicalIp(text: string): string | null {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(text)) return text;
  if (!/^[0-9A-Fa-f:.]+$/.test(text) || !text.includes(':')) return null;
  try {
    return new URL(`http://[${text}]/`).hostname;
  } catch {
    return null;
  }
}

function sanOf(der: Uint8Array, names: Tlv): SubjectAltNames | null {
  const entries = children(der, names);
  if (!entries) return null;
  const san: SubjectAltNames = { dns: [], uri: [], ip: [], email: [] };
  const text = (t: Tlv) => String.fromCharCode(...der.subarray(t.start, t.end));
  for (const entry of entries) {
    // GeneralName context tags (RFC 5280 §4.2.1.6): [1] rfc822Name, [2] dNSName, [6] URI, [7] iPAddress.
    if (entry.tag === 0x81) san.email.push(text(entry));
    else if (entry.tag === 0x82) san.dns.push(text(entry));
    else if (entry.tag === 0x86) san.uri.push(text(entry));
    else if (entry.tag === 0x87) {
      const ip = ipText(der.subarray(entry.start, entry.end));
      if (ip) san.ip.push(ip);
    }
  }
  return san;
}

/**
 * The SAN of a DER certificate: empty lists when it has no SAN extension,
 * null when the DER is malformed (Certificate → TBSCertificate → [3]
 * Extensions → the 2.5.29.17 extension's OCTET STRING → GeneralNames).
 */
export function subjectAltNames(der: Uint8Array): SubjectAltNames | null {
  const cert = tlv(der, 0, der.length);
  const tbs = cert?.tag === SEQUENCE ? tlv(der, cert.start, cert.end) : null;
  const fields = tbs?.tag === SEQUENCE ? children(der, tbs) : null;
  if (!fields) return null;
  const wrapper = fields.find((f) => f.tag === EXTENSIONS);
  if (!wrapper) return { dns: [], uri: [], ip: [], email: [] };
  const list = tlv(der, wrapper.start, wrapper.end);
  const extensions = list?.tag === SEQUENCE ? children(der, list) : null;
  if (!extensions) return null;
  for (const extension of extensions) {
    const parts = extension.tag === SEQUENCE ? children(der, extension) : null;
    if (!parts || parts[0]?.tag !== OID) return null;
    const oid = der.subarray(parts[0].start, parts[0].end);
    if (oid.length !== SAN_OID.length || !SAN_OID.every((b, i) => oid[i] === b)) continue;
    const value = parts.at(-1)!;
    const names = value.tag === OCTET_STRING ? tlv(der, value.start, value.end) : null;
    return names?.tag === SEQUENCE ? sanOf(der, names) : null;
  }
  return { dns: [], uri: [], ip: [], email: [] };
}

/** The DER bytes of an RFC 9440 `Client-Cert` value (`:base64:`), or null. */
export function derOfRfc9440(value: string | undefined): Uint8Array | null {
  const match = /^:([A-Za-z0-9+/]+={0,2}):$/.exec(value ?? '');
  if (!match) return null;
  try {
    return Uint8Array.from(atob(match[1]!), (c) => c.charCodeAt(0));
  } catch {
    return null;
  }
}
