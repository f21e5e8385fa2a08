import type { Env } from './env';
import { logError, logEvent } from './log';
import { attemptLogoutDelivery, failLogoutDelivery } from './oauth/backchannel-delivery';
import type { LogoutMessage } from './storage/ports';
import { LOGOUT_DLQ_NAME, LOGOUT_QUEUE_NAME } from './storage/queue-logout';
import { getServices, type Services } from './storage/services';

function isLogoutMessage(body: unknown): body is LogoutMessage {
  const m = body as Partial<Record<keyof LogoutMessage, unknown>> | null;
  return typeof m === 'object' && m !== null && typeof m.delivery_id === 'string' && typeof m.client_id === 'string' &&
    typeof m.sub === 'string' && (m.sid === undefined || typeof m.sid === 'string');
}

/** One attempt per message, side by side; a message's failure retries that message only, with its backoff. */
async function deliver(batch: MessageBatch<unknown>, services: Services): Promise<void> {
  await Promise.all(batch.messages.map(async (message) => {
    if (!isLogoutMessage(message.body)) {
      logError('backchannel_logout_bad_message', { queue: batch.queue, message_id: message.id });
      return message.ack();
    }
    const { delivery_id, client_id } = message.body;
    try {
      const outcome = await attemptLogoutDelivery(message.body, message.attempts, services);
      if (outcome.kind === 'done') return message.ack();
      logEvent('backchannel_logout_retry', { delivery_id, client_id, attempt: message.attempts, delay_seconds: outcome.delaySeconds });
      message.retry({ delaySeconds: outcome.delaySeconds });
    } catch (error) {
      // Storage trouble while recording: the queue tries again (at least once, never lost).
      logError('backchannel_logout_attempt_error', { delivery_id, client_id, message: error instanceof Error ? error.message : String(error) });
      message.retry({ delaySeconds: services.config.backchannelRetryDelay });
    }
  }));
}

/** The dead-letter queue: the delivery queue gave up on these, so they are marked failed. */
async function deadLetter(batch: MessageBatch<unknown>, services: Services): Promise<void> {
  await Promise.all(batch.messages.map(async (message) => {
    if (!isLogoutMessage(message.body)) return message.ack();
    await failLogoutDelivery(message.body, services);
    logEvent('backchannel_logout_failed', { delivery_id: message.body.delivery_id, client_id: message.body.client_id });
    message.ack();
  }));
}

/** The Worker's `queue` handler: dispatches a batch by the queue it came from (wrangler.toml `[[queues.consumers]]`). */
export async function handleQueue(batch: MessageBatch<unknown>, env: Env): Promise<void> {
  const services = getServices(env);
  switch (batch.queue) {
    case LOGOUT_QUEUE_NAME:
      return deliver(batch, services);
    case LOGOUT_DLQ_NAME:
      return deadLetter(batch, services);
    default:
      logError('queue_unknown', { queue: batch.queue });
      batch.retryAll();
  }
}
