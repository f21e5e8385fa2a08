import type { JWK } from 'jose';
import type { Config } from '../config';
import { TLS_CLIENT_AUTH_SUBJECTS } from './capabilities';
import { canonicalIp, derOfRfc9440 } from './certificate-san';
import { isMtlsMethod } from './client-auth-mtls';
import { normalizeDn } from './distinguished-name';
import { InvalidClientMetadata } from './errors';
import type { AuthMethod, Client } from './types';

type Subject = (typeof TLS_CLIENT_AUTH_SUBJECTS)[number];
export type MtlsMetadata = Pick<Client, Subject>;

const fail = (field: string, problem: string) => new InvalidClientMetadata(`${field}: ${problem}`);

const DNS_NAME = /^(\*\.)?([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)*[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Why a registered subject value cannot be a certificate's, or undefined (RFC 8705 §2.1.2 formats). */
function subjectProblem(field: Subject, value: string): string | undefined {
  switch (field) {
    case 'tls_client_auth_subject_dn':
      return normalizeDn(value) === null ? 'must be a distinguished name string (RFC 4514), e.g. "CN=rp.example,O=Example,C=NZ"' : undefined;
    case 'tls_client_auth_san_dns':
      return value.length <= 253 && DNS_NAME.test(value) ? undefined : 'must be a DNS name';
    case 'tls_client_auth_san_uri':
      return /^[A-Za-z][A-Za-z0-9+.-]*:[^\s]+$/.test(value) ? undefined : 'must be an absolute URI';
    case 'tls_client_auth_san_ip':
      return canonicalIp(value) === null ? 'must be an IPv4 address in dotted-decimal form or an IPv6 address' : undefined;
    case 'tls_client_auth_san_email':
      return /^[^@\s]+@[^@\s]+$/.test(value) ? undefined : 'must be an email address';
  }
}

/** RFC 8705 §2.2: a `self_signed_tls_client_auth` client's certificates are the first `x5c` entries of its keys. */
function x5cProblem(keys: JWK[]): string | undefined {
  for (const key of keys) {
    if (key.x5c === undefined) continue;
    if (!Array.isArray(key.x5c) || key.x5c.length === 0 || !key.x5c.every((c) => typeof c === 'string' && derOfRfc9440(`:${c}:`)?.[0] === 0x30)) {
      return 'x5c must be a non-empty array of base64 DER certificates (RFC 7517 §4.7)';
    }
  }
  return keys.some((k) => k.x5c) ? undefined : 'self_signed_tls_client_auth needs a key with the client certificate in x5c (RFC 8705 §2.2)';
}

/**
 * The mTLS metadata of a registration (RFC 8705 §2.1.2, §2.2): only with
 * MTLS_HOST set; `tls_client_auth` names exactly one certificate subject,
 * `self_signed_tls_client_auth` registers its certificates in `jwks`
 * (as `x5c`) or `jwks_uri`. The subject metadata belong to `tls_client_auth` only.
 */
export function mtlsFields(
  input: Record<string, unknown>, method: AuthMethod, config: Config, keys: { keys: JWK[] } | undefined, keysUri: string | undefined,
): MtlsMetadata {
  if (isMtlsMethod(method) && !config.mtlsHost) {
    throw fail('token_endpoint_auth_method', `${method} needs the MTLS_HOST setting: an mTLS-enabled hostname (README "mTLS on Cloudflare")`);
  }
  const given: MtlsMetadata = {};
  for (const field of TLS_CLIENT_AUTH_SUBJECTS) {
    const v = input[field];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'string' || v.length === 0 || v.length > 1024) throw fail(field, 'must be a non-empty string of at most 1024 characters');
    if (method !== 'tls_client_auth') throw fail(field, 'applies only to token_endpoint_auth_method tls_client_auth (RFC 8705 §2.1.2)');
    const problem = subjectProblem(field, v);
    if (problem) throw fail(field, problem);
    given[field] = v;
  }
  const count = Object.keys(given).length;
  if (method === 'tls_client_auth' && count !== 1) {
    throw fail('token_endpoint_auth_method', `tls_client_auth needs exactly one of ${TLS_CLIENT_AUTH_SUBJECTS.join(', ')} (RFC 8705 §2.1.2)`);
  }
  if (method === 'self_signed_tls_client_auth') {
    if (!keys && !keysUri) throw fail('jwks', 'self_signed_tls_client_auth needs jwks or jwks_uri (RFC 8705 §2.2)');
    const problem = keys && x5cProblem(keys.keys);
    if (problem) throw fail('jwks', problem);
  }
  return given;
}
