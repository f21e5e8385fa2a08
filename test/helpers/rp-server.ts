import { inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Port of the real local HTTP server started by test/helpers/http-server.global.mjs. */
    rpServerPort: number;
  }
}

/** Base URL of the local relying-party server (loopback: reachable only under a local issuer). */
export function rpServer(): string {
  return `http://127.0.0.1:${inject('rpServerPort')}`;
}

/** Publishes `document` at `${rpServer()}/doc/<name>` and returns that URL. */
export async function publish(name: string, document: unknown): Promise<string> {
  const res = await fetch(`${rpServer()}/doc/${name}`, { method: 'PUT', body: JSON.stringify(document) });
  if (!res.ok) throw new Error(`publishing ${name} failed: ${res.status}`);
  await res.body?.cancel();
  return `${rpServer()}/doc/${name}`;
}

/** How often the server served /doc/<name>. */
export async function hitsOf(name: string): Promise<number> {
  return ((await (await fetch(`${rpServer()}/hits/${name}`)).json()) as { hits: number }).hits;
}

/** What the server saw of an /endless or /slow answer: bytes written, and whether the client hung up. */
export async function statsOf(name: string): Promise<{ bytes: number; closed: boolean }> {
  return (await (await fetch(`${rpServer()}/stats/${name}`)).json()) as { bytes: number; closed: boolean };
}
