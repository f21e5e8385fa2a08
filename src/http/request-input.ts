import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import type { ClientCertificate, ClientRequest, RequestInput } from '../oauth/request-input';

/** The client's address as Cloudflare reports it (`CF-Connecting-IP`); "unknown" where there is none (local tests). */
export function clientAddress(c: Context<AppEnv>): string {
  return c.req.header('cf-connecting-ip') ?? 'unknown';
}

/**
 * The certificate of an mTLS connection (RFC 8705 §2) from `request.cf.tlsClientAuth`,
 * which Cloudflare fills when mTLS is enabled for the host (SSL/TLS → Client
 * Certificates, or Access); README "mTLS on Cloudflare".
 */
export function clientCertificate(request: Request): ClientCertificate | undefined {
  const auth = (request.cf as IncomingRequestCfProperties | undefined)?.tlsClientAuth;
  if (auth?.certPresented !== '1') return undefined;
  const { certPresented: _presented, ...certificate } = auth;
  return certificate;
}

/** The request as protocol entry points see it (oauth/request-input.ts): built from the raw request, headers not copied. */
export function requestInput(c: Context<AppEnv>): RequestInput {
  const raw = c.req.raw;
  return { method: raw.method, url: raw.url, headers: raw.headers, form: c.get('form'), clientCertificate: clientCertificate(raw) };
}

/** The back-channel request of the client that the `clientAuth` middleware authenticated. */
export function clientRequest(c: Context<AppEnv>): ClientRequest {
  const { client, policy } = c.get('client');
  return { ...requestInput(c), form: c.get('form')!, client, policy };
}
