import { base64url } from '../crypto/encoding';
import { verifyDpopProof, type DpopDeps, type DpopProof } from './dpop';
import { InvalidDpopProof, InvalidRequest, InvalidToken } from './errors';
import type { ClientCertificate, ClientRequest, ProtectedResourceRequest } from './request-input';

/**
 * The confirmation claim of a sender-constrained access token (RFC 7800 §3.1):
 * the JWK thumbprint of a DPoP key (RFC 9449 §6.1) and/or the SHA-256
 * thumbprint of an mTLS client certificate (RFC 8705 §3.1).
 */
export interface Confirmation {
  jkt?: string;
  'x5t#S256'?: string;
}

/** What a token request is bound to: its verified DPoP proof, and the `cnf` the access token gets (absent: a bearer token). */
export interface TokenBinding {
  proof: DpopProof | null;
  cnf?: Confirmation;
}

/**
 * `x5t#S256` of a certificate (RFC 8705 §3.1): base64url of the SHA-256 of its
 * DER, which Cloudflare reports as hex in `certFingerprintSHA256`; null when
 * that is not 64 hex digits.
 */
export function certificateThumbprint(certificate: ClientCertificate): string | null {
  const hex = certificate.certFingerprintSHA256;
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  const bytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16);
  return base64url(bytes);
}

/**
 * Binds a token request (RFC 9449 §5, RFC 8705 §3): a valid DPoP proof binds
 * the access token to its key (`cnf.jkt`); the certificate of the connection
 * binds it (`cnf.x5t#S256`) when the client registered
 * `tls_client_certificate_bound_access_tokens`. A client registered with
 * `dpop_bound_access_tokens` must send a proof (RFC 9449 §5.2), and one whose
 * policy requires sender-constrained tokens (FAPI 2.0 §5.3.2.1) must be bound
 * one way or the other.
 */
export async function bindTokenRequest(request: ClientRequest, deps: DpopDeps): Promise<TokenBinding> {
  const { policy } = request;
  const proof = await verifyDpopProof(request, { at: 'authorization_server', nonce_required: policy.dpop_nonce_required }, deps);
  if (!proof && policy.dpop_bound_access_tokens) {
    throw new InvalidDpopProof('this client must send a DPoP proof with every token request (RFC 9449 section 5.2 dpop_bound_access_tokens)');
  }
  const certificate = request.clientCertificate;
  const x5t = policy.certificate_bound_access_tokens && certificate ? certificateThumbprint(certificate) : null;
  if (!proof && x5t === null && policy.sender_constrained_required) {
    throw new InvalidRequest('access tokens of this client must be sender-constrained: send a DPoP proof or a client certificate (FAPI 2.0 Security Profile section 5.3.2.1)');
  }
  if (!proof && x5t === null) return { proof };
  return { proof, cnf: { ...(proof && { jkt: proof.jkt }), ...(x5t !== null && { 'x5t#S256': x5t }) } };
}

/** The DPoP half of a resource request (RFC 9449 §7.1, §7.2): the scheme, the proof and the token's key must agree. */
async function checkDpop(request: ProtectedResourceRequest, jkt: string | undefined, deps: DpopDeps): Promise<void> {
  const { token_type, value } = request.access_token;
  if (token_type !== 'DPoP') {
    // A bound token sent as a bearer token: the holder proved nothing (§7.2).
    if (jkt !== undefined) throw new InvalidToken('a DPoP-bound access token must be sent with the DPoP scheme and a proof (RFC 9449 section 7.2)', { challenge: 'DPoP' });
    return;
  }
  const check = { at: 'resource' as const, nonce_required: deps.config.dpopNonce, access_token: value };
  const proof = await verifyDpopProof(request, check, deps);
  if (!proof) throw new InvalidDpopProof('the DPoP scheme needs a DPoP proof (RFC 9449 section 7.1)', { status: 401, challenge: 'DPoP' });
  if (jkt === undefined) throw new InvalidToken('the access token is not DPoP-bound; send it with the Bearer scheme (RFC 9449 section 7.1)');
  if (proof.jkt !== jkt) throw new InvalidToken('the DPoP proof key is not the key the access token is bound to (RFC 9449 section 7.1)');
}

/**
 * Whether a protected resource request proves possession of what its access
 * token is bound to: the DPoP key (RFC 9449 §7.1) and the client certificate
 * (RFC 8705 §3: otherwise 401 `invalid_token`).
 */
export async function checkSenderConstraint(request: ProtectedResourceRequest, cnf: Confirmation | undefined, deps: DpopDeps): Promise<void> {
  await checkDpop(request, cnf?.jkt, deps);
  const x5t = cnf?.['x5t#S256'];
  if (x5t === undefined) return;
  const certificate = request.clientCertificate;
  if (!certificate || certificateThumbprint(certificate) !== x5t) {
    throw new InvalidToken('the access token is bound to a client certificate this request did not present (RFC 8705 section 3)');
  }
}
