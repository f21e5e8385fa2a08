/**
 * Distinguished names as strings (RFC 4514, and the RFC 2253 strings
 * Cloudflare reports as `certSubjectDNRFC2253`), reduced to one comparable
 * form for the `tls_client_auth_subject_dn` match of RFC 8705 §2.1.2.
 */

/** Attribute type OIDs written as names (RFC 4514 §3 table, plus the types certificates commonly carry). */
const TYPE_NAMES: Record<string, string> = {
  '2.5.4.3': 'CN', '2.5.4.4': 'SN', '2.5.4.5': 'SERIALNUMBER', '2.5.4.6': 'C', '2.5.4.7': 'L', '2.5.4.8': 'ST',
  '2.5.4.9': 'STREET', '2.5.4.10': 'O', '2.5.4.11': 'OU', '2.5.4.12': 'TITLE', '2.5.4.42': 'GIVENNAME',
  '2.5.4.97': 'ORGANIZATIONIDENTIFIER', '0.9.2342.19200300.100.1.25': 'DC', '0.9.2342.19200300.100.1.1': 'UID',
  '1.2.840.113549.1.9.1': 'EMAILADDRESS',
};
const TYPE_ALIASES: Record<string, string> = { E: 'EMAILADDRESS', S: 'ST' };
const MAX_DN = 1024;

/** Splits at unescaped `separators`, keeping escapes for the value decoder. */
function split(text: string, separators: string): string[] {
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '\\' && i + 1 < text.length) {
      current += ch + text[++i];
    } else if (separators.includes(ch)) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

/** RFC 4514 §3 value escapes: `\` + a special character, or `\` + two hex digits of UTF-8. */
function unescapeValue(raw: string): string | null {
  const bytes: number[] = [];
  const encoder = new TextEncoder();
  for (let i = 0; i < raw.length; i++) {
    const ch = raw[i]!;
    if (ch !== '\\') {
      bytes.push(...encoder.encode(ch));
      continue;
    }
    const hex = raw.slice(i + 1, i + 3);
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else if (i + 1 < raw.length) bytes.push(...encoder.encode(raw[++i]!));
    else return null;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(new Uint8Array(bytes));
  } catch {
    return null;
  }
}

function attributeType(raw: string): string | null {
  const type = raw.trim().replace(/^oid\./i, '').toUpperCase();
  if (/^\d+(\.\d+)+$/.test(type)) return TYPE_NAMES[type] ?? type;
  if (!/^[A-Z][A-Z0-9-]*$/.test(type)) return null;
  return TYPE_ALIASES[type] ?? type;
}

/**
 * One attribute value as caseIgnoreMatch sees it (RFC 4517 §4.2.11 with the
 * insignificant-space handling of RFC 4518 §2.6.1): NFKC, case folded, outer
 * spaces dropped, inner runs of spaces collapsed. A `#` hex value is compared
 * as its lower-case hex.
 */
function attributeValue(raw: string): string | null {
  const trimmed = withoutOuterSpaces(raw);
  if (trimmed.startsWith('#')) return /^#([0-9A-Fa-f]{2})+$/.test(trimmed) ? trimmed.toLowerCase() : null;
  const value = unescapeValue(trimmed);
  return value === null ? null : value.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/** Drops leading and trailing spaces, but not the space of a trailing `\ ` escape (RFC 4514 §2.4). */
function withoutOuterSpaces(raw: string): string {
  const text = raw.replace(/^\s+/, '');
  let end = text.length;
  while (end > 0 && /\s/.test(text[end - 1]!)) {
    let slashes = 0;
    for (let i = end - 2; i >= 0 && text[i] === '\\'; i--) slashes++;
    if (slashes % 2 === 1) break;
    end--;
  }
  return text.slice(0, end);
}

/**
 * The comparable form of a DN string, or null when it is not a DN: RDNs in
 * their string order (RFC 4514 §2.1: most specific first), each RDN's
 * attribute-value pairs sorted (a multi-valued RDN is a set, §2.2), types as
 * upper-case names, values normalized.
 */
export function normalizeDn(dn: string): string | null {
  if (dn.length === 0 || dn.length > MAX_DN) return null;
  const rdns: string[][] = [];
  for (const rdn of split(dn, ',;')) {
    const pairs: string[] = [];
    for (const ava of split(rdn, '+')) {
      const eq = ava.indexOf('=');
      if (eq <= 0) return null;
      const type = attributeType(ava.slice(0, eq));
      const value = attributeValue(ava.slice(eq + 1));
      if (type === null || value === null) return null;
      pairs.push(JSON.stringify([type, value]));
    }
    rdns.push(pairs.sort());
  }
  return JSON.stringify(rdns);
}

/** RFC 8705 §2.1.2: the certificate's subject DN equals the registered one, compared as RFC 4517 says DNs compare. */
export function sameDn(registered: string, presented: string): boolean {
  const a = normalizeDn(registered);
  return a !== null && a === normalizeDn(presented);
}
