import { env, exports } from 'cloudflare:workers';
import type { Env } from '../../src/env';

export const ISSUER = 'https://op.example';
export const ADMIN_TOKEN = 'test-admin-token';
export const testEnv = env as unknown as Env;

/** Sends a request to the Worker under test, as a client on the network would. */
export function call(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, ISSUER), init));
}

/** A fetch for oauth4webapi's `customFetch`, routed to the Worker. */
export const workerFetch = (url: string | URL, init?: RequestInit) => exports.default.fetch(new Request(url, init));

export function form(params: Record<string, string>): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(params).toString() };
}

export function basic(id: string, secret: string): string {
  const enc = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
  return `Basic ${btoa(`${enc(id)}:${enc(secret)}`)}`;
}

/** A unique suffix: the client registration cache is per isolate, so every test uses fresh ids. */
export function unique(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}
