/**
 * Fixed X.509 test certificates for mTLS client authentication (RFC 8705 §2),
 * generated once at dev time with OpenSSL 3.0 (jose cannot make certificates):
 *
 *   openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout ca.key -out ca.pem -days 36500 \
 *     -subj "/C=NZ/O=Portcullis Test CA/CN=Test mTLS CA"
 *   openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout rp.key -out rp.csr \
 *     -subj "/C=NZ/O=Example RP/OU=Payments/CN=rp.example"
 *   openssl ca -batch -config ca.cnf -cert ca.pem -keyfile ca.key -in rp.csr -out rp.pem \
 *     -startdate 20200101000000Z -enddate 21000101000000Z -extensions rp_ext -notext
 *     (rp_ext: subjectAltName = DNS:rp.example, DNS:api.rp.example, URI:https://rp.example/client,
 *      IP:192.0.2.10, IP:2001:db8::1, email:ops@rp.example; extendedKeyUsage = clientAuth)
 *   openssl ca -batch -config ca.cnf -selfsign -keyfile self.key -in self.csr -out self.pem \
 *     -startdate 20200101000000Z -enddate 21000101000000Z -extensions self_ext -notext
 *     (self.csr: /CN=self-signed.rp.example; self_ext: subjectAltName = DNS:self-signed.rp.example)
 *
 * The private keys are test-only (nothing but these tests trusts them); they
 * are here so a real TLS handshake (curl --cert/--key) can reproduce a case.
 */

/** A CA-issued client certificate with every SAN kind RFC 8705 §2.1.2 can match. */
export const RP_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIICVzCCAf6gAwIBAgICEAAwCgYIKoZIzj0EAwIwQTELMAkGA1UEBhMCTloxGzAZ
BgNVBAoMElBvcnRjdWxsaXMgVGVzdCBDQTEVMBMGA1UEAwwMVGVzdCBtVExTIENB
MCAXDTIwMDEwMTAwMDAwMFoYDzIxMDAwMTAxMDAwMDAwWjBKMQswCQYDVQQGEwJO
WjETMBEGA1UECgwKRXhhbXBsZSBSUDERMA8GA1UECwwIUGF5bWVudHMxEzARBgNV
BAMMCnJwLmV4YW1wbGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAShBS69iY8F
PyLA3wcbqiD+1NZJ559xNiGj5moJ90CAY3qkrs3hY6zPFOavwyN+CNFEolFytkCg
ma/EqOL4Cs1Ao4HaMIHXMGgGA1UdEQRhMF+CCnJwLmV4YW1wbGWCDmFwaS5ycC5l
eGFtcGxlhhlodHRwczovL3JwLmV4YW1wbGUvY2xpZW50hwTAAAIKhxAgAQ24AAAA
AAAAAAAAAAABgQ5vcHNAcnAuZXhhbXBsZTAJBgNVHRMEAjAAMAsGA1UdDwQEAwIH
gDATBgNVHSUEDDAKBggrBgEFBQcDAjAdBgNVHQ4EFgQURar6hZoQUTYvKVcLOWQA
4h1zOXIwHwYDVR0jBBgwFoAUZs1Xr3yzD2JQHXgQdkMTxj/CPVAwCgYIKoZIzj0E
AwIDRwAwRAIgLGXSNgoSyReVgq27ELrVObF0IwozqgBf2egG/+MnRPMCIHj07Tfa
K0mtOzroQu84jfgZ2sr/b8qwmBUOkhddRLL0
-----END CERTIFICATE-----`;
export const RP_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgkB1PolJn50c7emxS
xS06kR5wDrSMr0b5GSdK/7zcnkGhRANCAAShBS69iY8FPyLA3wcbqiD+1NZJ559x
NiGj5moJ90CAY3qkrs3hY6zPFOavwyN+CNFEolFytkCgma/EqOL4Cs1A
-----END PRIVATE KEY-----`;
/** The issuing CA (no subjectAltName extension). */
export const CA_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIB2TCCAX+gAwIBAgIUYKAv5VHpOW1BaSThrQ90dsl9g00wCgYIKoZIzj0EAwIw
QTELMAkGA1UEBhMCTloxGzAZBgNVBAoMElBvcnRjdWxsaXMgVGVzdCBDQTEVMBMG
A1UEAwwMVGVzdCBtVExTIENBMCAXDTI2MTIwNjExMTkzMloYDzIxMjYxMTEyMTEx
OTMyWjBBMQswCQYDVQQGEwJOWjEbMBkGA1UECgwSUG9ydGN1bGxpcyBUZXN0IENB
MRUwEwYDVQQDDAxUZXN0IG1UTFMgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNC
AATdFtdRdhaF1ml5RfvGKY+YRmd6AKz5v0j/WSDlIcR0o0rVBSO40mnDUdiko+Mk
GMmTqhzJxbK602BJIbGLRfvUo1MwUTAdBgNVHQ4EFgQUZs1Xr3yzD2JQHXgQdkMT
xj/CPVAwHwYDVR0jBBgwFoAUZs1Xr3yzD2JQHXgQdkMTxj/CPVAwDwYDVR0TAQH/
BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiAQ8mw/sbH8PJ/c4MDq/CfTLfCdIlEL
MPnA5jUz3ZFCJAIhAKm7atmsvlYz8TMRcZdglhCfigf1I6fiUwPTgRHCawdq
-----END CERTIFICATE-----`;
/** A self-signed client certificate (RFC 8705 §2.2). */
export const SELF_SIGNED_CERT_PEM = `-----BEGIN CERTIFICATE-----
MIIBpTCCAUugAwIBAgICEAEwCgYIKoZIzj0EAwIwITEfMB0GA1UEAwwWc2VsZi1z
aWduZWQucnAuZXhhbXBsZTAgFw0yMDAxMDEwMDAwMDBaGA8yMTAwMDEwMTAwMDAw
MFowITEfMB0GA1UEAwwWc2VsZi1zaWduZWQucnAuZXhhbXBsZTBZMBMGByqGSM49
AgEGCCqGSM49AwEHA0IABJb3f2wUl+HP4TjKLFuk6/BVlV36jLHBlZajJL52J/tA
5TDJB7j/5CLe0t4UXsOj+RjkXsyFofMNb9J0wHs56SyjcTBvMCEGA1UdEQQaMBiC
FnNlbGYtc2lnbmVkLnJwLmV4YW1wbGUwCQYDVR0TBAIwADALBgNVHQ8EBAMCB4Aw
EwYDVR0lBAwwCgYIKwYBBQUHAwIwHQYDVR0OBBYEFH2BycMUg5RHrpQoSFMMwxtS
IUjZMAoGCCqGSM49BAMCA0gAMEUCIBiB1QG7+wMLs3xWm9pdKa/m1sl+96R4zEGa
RVSlpuEAAiEA/50z4rqLvGiT6iMOIr/+RCvDMXG9IP5guy4BCck+Q10=
-----END CERTIFICATE-----`;
export const SELF_SIGNED_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgGQmz6tygEl9fn9LX
dntMikXNIRmKsWWysXRQd4mBP/KhRANCAASW939sFJfhz+E4yixbpOvwVZVd+oyx
wZWWoyS+dif7QOUwyQe4/+Qi3tLeFF7Do/kY5F7MhaHzDW/SdMB7Oeks
-----END PRIVATE KEY-----`;

/** base64 DER, as `x5c` (RFC 7517 §4.7) carries a certificate. */
export const RP_CERT_DER_B64 = 'MIICVzCCAf6gAwIBAgICEAAwCgYIKoZIzj0EAwIwQTELMAkGA1UEBhMCTloxGzAZBgNVBAoMElBvcnRjdWxsaXMgVGVzdCBDQTEVMBMGA1UEAwwMVGVzdCBtVExTIENBMCAXDTIwMDEwMTAwMDAwMFoYDzIxMDAwMTAxMDAwMDAwWjBKMQswCQYDVQQGEwJOWjETMBEGA1UECgwKRXhhbXBsZSBSUDERMA8GA1UECwwIUGF5bWVudHMxEzARBgNVBAMMCnJwLmV4YW1wbGUwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAShBS69iY8FPyLA3wcbqiD+1NZJ559xNiGj5moJ90CAY3qkrs3hY6zPFOavwyN+CNFEolFytkCgma/EqOL4Cs1Ao4HaMIHXMGgGA1UdEQRhMF+CCnJwLmV4YW1wbGWCDmFwaS5ycC5leGFtcGxlhhlodHRwczovL3JwLmV4YW1wbGUvY2xpZW50hwTAAAIKhxAgAQ24AAAAAAAAAAAAAAABgQ5vcHNAcnAuZXhhbXBsZTAJBgNVHRMEAjAAMAsGA1UdDwQEAwIHgDATBgNVHSUEDDAKBggrBgEFBQcDAjAdBgNVHQ4EFgQURar6hZoQUTYvKVcLOWQA4h1zOXIwHwYDVR0jBBgwFoAUZs1Xr3yzD2JQHXgQdkMTxj/CPVAwCgYIKoZIzj0EAwIDRwAwRAIgLGXSNgoSyReVgq27ELrVObF0IwozqgBf2egG/+MnRPMCIHj07TfaK0mtOzroQu84jfgZ2sr/b8qwmBUOkhddRLL0';
export const CA_CERT_DER_B64 = 'MIIB2TCCAX+gAwIBAgIUYKAv5VHpOW1BaSThrQ90dsl9g00wCgYIKoZIzj0EAwIwQTELMAkGA1UEBhMCTloxGzAZBgNVBAoMElBvcnRjdWxsaXMgVGVzdCBDQTEVMBMGA1UEAwwMVGVzdCBtVExTIENBMCAXDTI2MTIwNjExMTkzMloYDzIxMjYxMTEyMTExOTMyWjBBMQswCQYDVQQGEwJOWjEbMBkGA1UECgwSUG9ydGN1bGxpcyBUZXN0IENBMRUwEwYDVQQDDAxUZXN0IG1UTFMgQ0EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAATdFtdRdhaF1ml5RfvGKY+YRmd6AKz5v0j/WSDlIcR0o0rVBSO40mnDUdiko+MkGMmTqhzJxbK602BJIbGLRfvUo1MwUTAdBgNVHQ4EFgQUZs1Xr3yzD2JQHXgQdkMTxj/CPVAwHwYDVR0jBBgwFoAUZs1Xr3yzD2JQHXgQdkMTxj/CPVAwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNIADBFAiAQ8mw/sbH8PJ/c4MDq/CfTLfCdIlELMPnA5jUz3ZFCJAIhAKm7atmsvlYz8TMRcZdglhCfigf1I6fiUwPTgRHCawdq';
export const SELF_SIGNED_CERT_DER_B64 = 'MIIBpTCCAUugAwIBAgICEAEwCgYIKoZIzj0EAwIwITEfMB0GA1UEAwwWc2VsZi1zaWduZWQucnAuZXhhbXBsZTAgFw0yMDAxMDEwMDAwMDBaGA8yMTAwMDEwMTAwMDAwMFowITEfMB0GA1UEAwwWc2VsZi1zaWduZWQucnAuZXhhbXBsZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABJb3f2wUl+HP4TjKLFuk6/BVlV36jLHBlZajJL52J/tA5TDJB7j/5CLe0t4UXsOj+RjkXsyFofMNb9J0wHs56SyjcTBvMCEGA1UdEQQaMBiCFnNlbGYtc2lnbmVkLnJwLmV4YW1wbGUwCQYDVR0TBAIwADALBgNVHQ8EBAMCB4AwEwYDVR0lBAwwCgYIKwYBBQUHAwIwHQYDVR0OBBYEFH2BycMUg5RHrpQoSFMMwxtSIUjZMAoGCCqGSM49BAMCA0gAMEUCIBiB1QG7+wMLs3xWm9pdKa/m1sl+96R4zEGaRVSlpuEAAiEA/50z4rqLvGiT6iMOIr/+RCvDMXG9IP5guy4BCck+Q10=';
/** SHA-256 of the DER (`openssl x509 -outform DER | sha256sum`). */
export const RP_CERT_SHA256 = '674cd2d34e8cf69dd019af52582d9e0ecddec1aa471fc22f1ce18fe22d8af108';
export const SELF_SIGNED_CERT_SHA256 = 'f0a5171b885ad432a9156be25d67dae411013f4fe22534f1349becb7ac057895';

/** The subject DN in RFC 2253 order, as `openssl x509 -subject -nameopt RFC2253` prints it. */
export const RP_SUBJECT_DN = 'CN=rp.example,OU=Payments,O=Example RP,C=NZ';
const CA_DN = 'CN=Test mTLS CA,O=Portcullis Test CA,C=NZ';

/**
 * What Cloudflare puts in `request.cf.tlsClientAuth` for the RP certificate
 * presented on an mTLS-enabled host and verified against the zone's CA
 * (workers-types IncomingRequestCfPropertiesTLSClientAuth, plus the RFC 9440
 * fields added in March 2026).
 */
export function rpTlsClientAuth(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    certPresented: '1', certVerified: 'SUCCESS', certRevoked: '0',
    certIssuerDN: CA_DN, certSubjectDN: RP_SUBJECT_DN, certIssuerDNRFC2253: CA_DN, certSubjectDNRFC2253: RP_SUBJECT_DN,
    certIssuerDNLegacy: '/C=NZ/O=Portcullis Test CA/CN=Test mTLS CA', certSubjectDNLegacy: '/C=NZ/O=Example RP/OU=Payments/CN=rp.example',
    certSerial: '1000', certIssuerSerial: '', certSKI: '', certIssuerSKI: '',
    certFingerprintSHA1: '231e17f493d30db6658ba94e26427577cab0dfd7', certFingerprintSHA256: RP_CERT_SHA256,
    certNotBefore: 'Jan  1 00:00:00 2020 GMT', certNotAfter: 'Jan  1 00:00:00 2100 GMT',
    certRFC9440: `:${RP_CERT_DER_B64}:`, certRFC9440TooLarge: false, certChainRFC9440: '', certChainRFC9440TooLarge: false,
    ...overrides,
  };
}

/** The same for the self-signed certificate: Cloudflare reports the failed chain check (RFC 8705 §2.2 needs none). */
export function selfSignedTlsClientAuth(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const dn = 'CN=self-signed.rp.example';
  return rpTlsClientAuth({
    certVerified: 'FAILED:self signed certificate', certIssuerDN: dn, certSubjectDN: dn, certIssuerDNRFC2253: dn, certSubjectDNRFC2253: dn,
    certIssuerDNLegacy: '/CN=self-signed.rp.example', certSubjectDNLegacy: '/CN=self-signed.rp.example', certSerial: '1001',
    certFingerprintSHA1: '963025ee7f4feef944a54d55f28e0eb26f318f08', certFingerprintSHA256: SELF_SIGNED_CERT_SHA256,
    certRFC9440: `:${SELF_SIGNED_CERT_DER_B64}:`,
    ...overrides,
  });
}
