import type { RequestLimitPort } from './ports';

/** The period of the `PAR_RATE_LIMIT` binding in wrangler.toml (10 or 60 seconds). */
export const PAR_RATE_LIMIT_PERIOD = 60;

export class BindingRequestLimit implements RequestLimitPort {
  constructor(private readonly binding: RateLimit | undefined, readonly retryAfter: number) {}

  async allow(key: string): Promise<boolean> {
    if (!this.binding) return true;
    return (await this.binding.limit({ key })).success;
  }
}
