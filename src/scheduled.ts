import type { Env } from './env';
import { logError, logEvent } from './log';
import { getServices } from './storage/services';

/**
 * The cron trigger (wrangler.toml `[triggers]`, DESIGN.md platform map
 * "scheduled key rotation"): each tick asks the key store whether rotation is
 * due (KEY_ROTATION_INTERVAL); the key store decides atomically, so
 * overlapping ticks stage one set of keys. A failed tick is logged and throws,
 * so the platform records the failure; the next tick tries again.
 */
export async function handleScheduled(controller: ScheduledController, env: Env): Promise<void> {
  const services = getServices(env);
  try {
    const { staged, ring } = await services.keys.tick();
    logEvent('key_rotation_tick', {
      cron: controller.cron,
      staged,
      signing: Object.values(ring.active).map((k) => k.kid).join(','),
      next: ring.staged.map((k) => `${k.kid}@${k.signs_from}`).join(','),
    });
  } catch (error) {
    logError('key_rotation_tick_failed', { cron: controller.cron, message: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}
