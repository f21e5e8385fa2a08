import { createApp } from './app';
import type { Env } from './env';
import { hooks } from './hooks';
import { handleQueue } from './queue';
import { handleScheduled } from './scheduled';

export { Grant } from './objects/grant';
export { KeyStore } from './objects/key-store';
export { RateLimiter } from './objects/rate-limiter';
export { ReplayGuard } from './objects/replay-guard';
export { Session } from './objects/session';

const app = createApp({ hooks });

export default {
  fetch: app.fetch,
  queue: handleQueue,
  scheduled: handleScheduled,
} satisfies ExportedHandler<Env>;
