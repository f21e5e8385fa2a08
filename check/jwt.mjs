// Verifies a JWS compact signature against a JWK Set with WebCrypto only, so
// the check needs no dependency (RFC 7515 §5.2, algorithms RFC 7518 §3, RFC 8037).

const b64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const json = (s) => JSON.parse(new TextDecoder().decode(b64u(s)));

const ALGS = {
  RS256: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }], RS384: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-384' }], RS512: [{ name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-512' }],
  PS256: [{ name: 'RSA-PSS', hash: 'SHA-256' }, { saltLength: 32 }], PS384: [{ name: 'RSA-PSS', hash: 'SHA-384' }, { saltLength: 48 }], PS512: [{ name: 'RSA-PSS', hash: 'SHA-512' }, { saltLength: 64 }],
  ES256: [{ name: 'ECDSA', namedCurve: 'P-256' }, { hash: 'SHA-256' }], ES384: [{ name: 'ECDSA', namedCurve: 'P-384' }, { hash: 'SHA-384' }],
  EdDSA: [{ name: 'Ed25519' }], Ed25519: [{ name: 'Ed25519' }],
};

/** The decoded header and claims of `jwt` when its signature verifies with a key of `jwks`; otherwise an error string. */
export async function verifyJwt(jwt, jwks) {
  const parts = jwt.split('.');
  if (parts.length !== 3) return { error: 'not a compact JWS' };
  const header = json(parts[0]);
  const alg = ALGS[header.alg];
  if (!alg) return { error: `alg ${header.alg} is not checked here` };
  const jwk = jwks.keys.find((k) => k.kid === header.kid) ?? (header.kid ? undefined : jwks.keys.find((k) => k.alg === header.alg));
  if (!jwk) return { error: `no key with kid ${header.kid} in jwks_uri` };
  const { alg: _a, use: _u, key_ops: _k, ...material } = jwk;
  const [importParams, signParams = {}] = alg;
  const key = await crypto.subtle.importKey('jwk', material, importParams, false, ['verify']);
  const ok = await crypto.subtle.verify({ ...importParams, ...signParams }, key, b64u(parts[2]), new TextEncoder().encode(`${parts[0]}.${parts[1]}`));
  return ok ? { header, claims: json(parts[1]) } : { error: 'signature does not verify' };
}
