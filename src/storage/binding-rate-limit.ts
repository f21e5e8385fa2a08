/**
 * Per-client request limits through the Workers Rate Limiting binding: counted
 * in memory at the edge location, so the PAR path gains no storage round trip.
 * The limit and period are the binding's (`[[ratelimits]]` in wrangler.toml);
 * without the binding nothing is limited.
 */
export interface RequestLimitPort {
  /** False when `key` is over its limit; `retryAfter` is then the binding's period in seconds. */
  allow(key: string): Promise<boolean>;
  readonly retryAfter: number;
}

/** The period of the `PAR_RATE_LIMIT` binding in wrangler.toml (10 or 60 seconds). */
export const PAR_RATE_LIMIT_PERIOD = 60;

export class BindingRequestLimit implements RequestLimitPort {
  constructor(private readonly binding: RateLimit | undefined, readonly retryAfter: number) {}

  async allow(key: string): Promise<boolean> {
    if (!this.binding) return true;
    return (await this.binding.limit({ key })).success;
  }
}
