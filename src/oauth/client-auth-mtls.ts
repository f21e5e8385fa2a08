import type { JWK } from 'jose';
import type { RemoteJwksPort } from '../storage/ports';
import { MTLS_AUTH_METHODS } from './capabilities';
import { canonicalIp, derOfRfc9440, subjectAltNames, type SubjectAltNames } from './certificate-san';
import { sameDn } from './distinguished-name';
import type { ClientCertificate } from './request-input';
import type { AuthMethod, StoredClient } from './types';

export type MtlsMethod = (typeof MTLS_AUTH_METHODS)[number];

export function isMtlsMethod(method: string): method is MtlsMethod {
  return (MTLS_AUTH_METHODS as readonly string[]).includes(method);
}

export interface MtlsDeps {
  remoteJwks: RemoteJwksPort;
  now: () => number;
  clockSkew: number;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** OpenSSL's certificate time (`Dec 22 19:39:00 2018 GMT`, the day space-padded), as Cloudflare reports it, in seconds. */
export function certificateTime(text: string): number | null {
  const m = /^([A-Z][a-z]{2}) +(\d{1,2}) (\d{2}):(\d{2}):(\d{2})(?:\.\d+)? (\d{4}) GMT$/.exec(text.trim());
  const month = m ? MONTHS.indexOf(m[1]!) : -1;
  if (!m || month < 0) return null;
  return Date.UTC(Number(m[6]), month, Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5])) / 1000;
}

function validityProblem(cert: ClientCertificate, deps: MtlsDeps): string | null {
  const notBefore = certificateTime(cert.certNotBefore);
  const notAfter = certificateTime(cert.certNotAfter);
  if (notBefore === null || notAfter === null) return 'certificate validity dates unreadable';
  const now = deps.now();
  if (now + deps.clockSkew < notBefore) return 'certificate not yet valid';
  if (now - deps.clockSkew > notAfter) return 'certificate expired';
  return cert.certRevoked === '1' ? 'certificate revoked' : null;
}

/** The registered SAN metadata and the SAN list it is compared with (RFC 8705 §2.1.2). */
const SAN_FIELDS = [
  ['tls_client_auth_san_dns', 'dns'], ['tls_client_auth_san_uri', 'uri'], ['tls_client_auth_san_ip', 'ip'], ['tls_client_auth_san_email', 'email'],
] as const;

/** RFC 8705 §2.1.2: the one registered subject (DN or one SAN entry) is the certificate's. */
function subjectProblem(cert: ClientCertificate, client: StoredClient): string | null {
  if (client.tls_client_auth_subject_dn !== undefined) {
    return sameDn(client.tls_client_auth_subject_dn, cert.certSubjectDNRFC2253) ? null : 'certificate subject DN does not match tls_client_auth_subject_dn';
  }
  const field = SAN_FIELDS.find(([name]) => client[name] !== undefined);
  if (!field) return 'no tls_client_auth subject registered';
  const der = derOfRfc9440(cert.certRFC9440);
  if (!der) return `certificate bytes not available (certRFC9440 empty${cert.certRFC9440TooLarge ? ', over 10 KB' : ''}): ${field[0]} cannot be checked`;
  const san: SubjectAltNames | null = subjectAltNames(der);
  if (!san) return 'certificate DER malformed';
  const [name, kind] = field;
  const expected = kind === 'ip' ? canonicalIp(client[name]!) : client[name]!;
  const same = (entry: string) => (kind === 'dns' ? entry.toLowerCase() === expected?.toLowerCase() : entry === expected);
  return san[kind].some(same) ? null : `certificate has no ${kind} SAN matching ${name}`;
}

async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The presented certificate's SHA-256 fingerprint in lower-case hex: from its DER when given, else as Cloudflare computed it. */
async function presentedFingerprint(cert: ClientCertificate): Promise<string | null> {
  const der = derOfRfc9440(cert.certRFC9440);
  if (der) return sha256Hex(der);
  const reported = cert.certFingerprintSHA256.replace(/:/g, '').toLowerCase();
  return /^[0-9a-f]{64}$/.test(reported) ? reported : null;
}

async function registeredFingerprints(keys: JWK[]): Promise<string[]> {
  const firsts = keys.map((k) => k.x5c?.[0]).filter((c): c is string => typeof c === 'string');
  const ders = firsts.map((c) => derOfRfc9440(`:${c}:`)).filter((d): d is Uint8Array => d !== null);
  return Promise.all(ders.map(sha256Hex));
}

/**
 * RFC 8705 §2.2: the certificate is the first `x5c` certificate of a key in
 * the client's `jwks` or `jwks_uri` (fetched through the cached port, fetched
 * again once on a miss, for a client that has just rotated its certificate).
 */
async function selfSignedProblem(cert: ClientCertificate, client: StoredClient, deps: MtlsDeps): Promise<string | null> {
  const presented = await presentedFingerprint(cert);
  if (!presented) return 'certificate fingerprint unavailable';
  for (const refresh of [false, true]) {
    if (refresh && !client.jwks_uri) break;
    const fetched = client.jwks || !client.jwks_uri ? undefined : await deps.remoteJwks.fetch(client.jwks_uri, refresh);
    if (fetched && !fetched.ok) return fetched.reason;
    const keys = client.jwks?.keys ?? fetched?.keys ?? [];
    if ((await registeredFingerprints(keys)).includes(presented)) return null;
  }
  return 'certificate is not the first x5c certificate of a registered key';
}

/**
 * Mutual-TLS client authentication (RFC 8705 §2) from what the platform
 * reports of the connection's client certificate. `tls_client_auth` (§2.1)
 * takes a certificate Cloudflare verified against the zone's mTLS CA
 * (`certVerified: "SUCCESS"`), not revoked, inside its validity, whose subject
 * is the registered one. `self_signed_tls_client_auth` (§2.2) takes any chain
 * result, the trust being the registered certificate itself. Returns why it
 * failed, or null.
 */
export async function verifyClientCertificate(
  method: MtlsMethod, client: StoredClient, cert: ClientCertificate | undefined, deps: MtlsDeps,
): Promise<string | null> {
  if (!cert) return 'no client certificate presented (mTLS not enabled for the host, or none sent)';
  const validity = validityProblem(cert, deps);
  if (validity) return validity;
  if (method === 'self_signed_tls_client_auth') return selfSignedProblem(cert, client, deps);
  if (cert.certVerified !== 'SUCCESS') return `certificate not verified by the platform: ${cert.certVerified.slice(0, 80)}`;
  return subjectProblem(cert, client);
}

/**
 * RFC 8705 §2: the client_id in the request names a client registered for an
 * mTLS method, which then is the method in use (the request carries no other
 * credential to tell it by).
 */
export function presentedMethod(method: AuthMethod, client: StoredClient | null): AuthMethod {
  return method === 'none' && client && isMtlsMethod(client.token_endpoint_auth_method) ? client.token_endpoint_auth_method : method;
}
