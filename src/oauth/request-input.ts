import type { ClientPolicy } from './client-policy';
import type { TokenType } from './token-type';
import type { StoredClient } from './types';

/**
 * The client certificate of a mutually authenticated TLS connection (RFC 8705
 * §2), as far as the platform reports it: the fields of
 * `request.cf.tlsClientAuth`, named as Cloudflare names them; present only
 * when a certificate was presented (`certPresented: "1"`). Cloudflare
 * terminates TLS; the leaf certificate itself arrives only as `certRFC9440`
 * (README "mTLS on Cloudflare").
 */
export interface ClientCertificate {
  /** `SUCCESS`, or `FAILED:<reason>`: Cloudflare's verification against the zone's mTLS CA. */
  certVerified: string;
  certRevoked: '0' | '1';
  certIssuerDN: string;
  certSubjectDN: string;
  certIssuerDNRFC2253: string;
  certSubjectDNRFC2253: string;
  certIssuerDNLegacy: string;
  certSubjectDNLegacy: string;
  certSerial: string;
  certIssuerSerial: string;
  certSKI: string;
  certIssuerSKI: string;
  certFingerprintSHA1: string;
  certFingerprintSHA256: string;
  certNotBefore: string;
  certNotAfter: string;
  /**
   * The leaf certificate as an RFC 9440 `Client-Cert` value (`:base64(DER):`),
   * added to Workers in March 2026 (not yet in every workers-types release);
   * empty when it exceeds 10 KB (`certRFC9440TooLarge`).
   */
  certRFC9440?: string;
  certRFC9440TooLarge?: boolean;
}

/**
 * What a protocol entry point sees of the HTTP request: the method, URL and
 * headers a DPoP proof is checked against (RFC 9449 §4.3: `htm`, `htu`, the
 * `DPoP` header), the client certificate that mTLS binds tokens to (RFC 8705
 * §3), and the parsed form body of a POST. Built once per request by the HTTP
 * layer; `oauth/` never sees the framework's request object.
 */
export interface RequestInput {
  method: string;
  /** The absolute request URL as received. */
  url: string;
  headers: Headers;
  /** The `application/x-www-form-urlencoded` body, duplicates refused (RFC 6749 §3.1). */
  form?: Map<string, string>;
  clientCertificate?: ClientCertificate;
}

/**
 * A back-channel request of an authenticated client (RFC 6749 §2.3): the one
 * value the PAR (RFC 9126 §2), token (RFC 6749 §3.2), revocation (RFC 7009 §2)
 * and introspection (RFC 7662 §2) entry points take, with the client's
 * policy resolved once for the request.
 */
export interface ClientRequest extends RequestInput {
  form: Map<string, string>;
  client: StoredClient;
  policy: ClientPolicy;
}

/** An access token as a protected resource received it (RFC 6750 §2, RFC 9449 §7.1). */
export interface PresentedAccessToken {
  /** The scheme it came with (`Bearer` also for the §2.2 form parameter). */
  token_type: TokenType;
  value: string;
}

/** A request to a protected resource of this server (OpenID Connect Core §5.3 UserInfo). */
export interface ProtectedResourceRequest extends RequestInput {
  access_token: PresentedAccessToken;
}
