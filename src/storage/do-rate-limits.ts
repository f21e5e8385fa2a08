import type { RateLimiter } from '../objects/rate-limiter';
import type { HitResult, LimitPolicy, RateLimitPort } from './ports';

/** Rate limits through one RateLimiter Durable Object per subject (e.g. `login-ip:203.0.113.9`). */
export class DurableRateLimits implements RateLimitPort {
  constructor(private readonly ns: DurableObjectNamespace<RateLimiter>, private readonly now: () => number) {}

  private stub(subject: string) {
    return this.ns.get(this.ns.idFromName(subject));
  }

  hit(subject: string, limit: number, windowSeconds: number): Promise<HitResult> {
    return this.stub(subject).hit({ key: subject, limit, windowSeconds, now: this.now() });
  }

  reserve(subject: string, checks: Array<{ key: string; policy: LimitPolicy }>): Promise<HitResult> {
    return this.stub(subject).reserve({ checks, now: this.now() });
  }

  release(subject: string, key: string): Promise<void> {
    return this.stub(subject).release({ key });
  }

  reset(subject: string, keys?: string[], options: { alone?: string[] } = {}): Promise<void> {
    return this.stub(subject).reset({ ...(keys && { keys }), ...options });
  }

  count(subject: string, key: string): Promise<number> {
    return this.stub(subject).count({ key, now: this.now() });
  }
}
