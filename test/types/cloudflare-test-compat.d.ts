/**
 * Typings that @cloudflare/vitest-pool-workers 0.15 (pinned because it runs on
 * Node 20 with our wrangler 4.86; README "Node version") declares less precisely
 * than its successor: `runInDurableObject` with a stub typed by its class, and
 * the shape of `getQueueResult`'s answer (FetcherQueueResult is left undeclared).
 * Runtime behaviour is the same; these only restore the types.
 */
declare module 'cloudflare:test' {
  import type * as Rpc from 'cloudflare:workers';
  export function runInDurableObject<O extends Rpc.DurableObjectBranded, R>(
    stub: DurableObjectStub<O>,
    callback: (instance: O, state: DurableObjectState) => R | Promise<R>,
  ): Promise<R>;
}

interface FetcherQueueResult {
  outcome: string;
  ackAll: boolean;
  retryBatch: { retry: boolean; delaySeconds?: number };
  explicitAcks: string[];
  retryMessages: { msgId: string; delaySeconds?: number }[];
}
