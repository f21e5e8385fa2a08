import { createApp } from './app';
import { hooks } from './hooks';

export { Grant } from './objects/grant';
export { KeyStore } from './objects/key-store';
export { RateLimiter } from './objects/rate-limiter';
export { ReplayGuard } from './objects/replay-guard';
export { Session } from './objects/session';

export default createApp({ hooks });
