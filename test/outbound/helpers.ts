import { env, exports } from 'cloudflare:workers';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify, type JSONWebKeySet, type JWTPayload } from 'jose';
import { inject } from 'vitest';
import type { Env } from '../../src/env';
import { getServices } from '../../src/storage/services';
import { announceSecret } from '../helpers/secrets';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Base URL of the local relying party (rp-server.mjs). */
    rpUrl: string;
  }
}

/** One request the local relying party received (rp-server.mjs). */
export interface Received {
  /** Epoch ms when the request arrived, and when the answer was sent. */
  at: number;
  answered_at: number;
  status: number;
  method: string;
  content_type: string | undefined;
  /** The raw form body. */
  body: string;
}

/** The outbound project's issuer: local, so the outbound guard admits loopback relying parties. */
export const LOCAL_ISSUER = 'http://localhost:8787';
export const ADMIN_TOKEN = 'test-admin-token';
export const outboundEnv = env as unknown as Env;
export const services = () => getServices(outboundEnv);

export function unique(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}

export function callLocal(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, LOCAL_ISSUER), init));
}

export function admin(method: string, path: string, body?: unknown): Promise<Response> {
  return callLocal(`/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Registers a client whose `backchannel_logout_uri` is the local relying party in `mode`, keyed by a fresh key. */
export async function rpClient(mode: string, metadata: Record<string, unknown> = {}) {
  const key = unique('rp');
  const uri = `${inject('rpUrl')}/rp/${mode}/${key}`;
  const res = await admin('POST', '/clients', {
    client_id: unique('client'), redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'none', backchannel_logout_uri: uri, ...metadata,
  });
  if (res.status !== 201) throw new Error(`client registration failed: ${res.status} ${await res.text()}`);
  const client = await res.json<{ client_id: string; client_secret?: string }>();
  announceSecret(client.client_secret);
  return { ...client, key, uri };
}

/** What the relying party received for `key`. */
export async function received(key: string): Promise<Received[]> {
  const res = await fetch(`${inject('rpUrl')}/received/${key}`);
  return res.json<Received[]>();
}

/** Polls `check` until it returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(check: () => Promise<T | undefined>, ms = 20_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Verifies a logout token against the issuer's published keys, as an RP does (Back-Channel Logout §2.6). */
export async function verifyLogoutToken(token: string, client_id: string): Promise<{ payload: JWTPayload; header: ReturnType<typeof decodeProtectedHeader> }> {
  const jwks = createLocalJWKSet(await (await callLocal('/jwks')).json<JSONWebKeySet>());
  const { payload } = await jwtVerify(token, jwks, { issuer: LOCAL_ISSUER, audience: client_id, typ: 'logout+jwt' });
  return { payload, header: decodeProtectedHeader(token) };
}

export function tokenOf(record: Received): string {
  return new URLSearchParams(record.body).get('logout_token') ?? '';
}
