import type { LogoutMessage, LogoutQueuePort } from './logout-delivery-port';

/** The name of the delivery queue and its dead-letter queue (wrangler.toml `[[queues.*]]`). */
export const LOGOUT_QUEUE_NAME = 'portcullis-backchannel-logout';
export const LOGOUT_DLQ_NAME = 'portcullis-backchannel-logout-dlq';

/** Back-channel logout deliveries on a Cloudflare Queue: one `sendBatch` per logout, whatever the number of clients. */
export class CloudflareLogoutQueue implements LogoutQueuePort {
  constructor(private readonly queue: Queue<LogoutMessage> | undefined) {}

  async enqueue(messages: LogoutMessage[]): Promise<void> {
    if (!this.queue) throw new Error('the LOGOUT_QUEUE binding is missing (wrangler.toml [[queues.producers]])');
    if (messages.length === 0) return;
    // sendBatch takes at most 100 messages per call.
    for (let i = 0; i < messages.length; i += 100) {
      await this.queue.sendBatch(messages.slice(i, i + 100).map((body) => ({ body, contentType: 'json' as const })));
    }
  }
}
