import type { RateLimiter } from '../objects/rate-limiter';
import type { HitResult, RateLimitPort } from './ports';

/** Rate limits through one RateLimiter Durable Object per subject (e.g. `login-ip:203.0.113.9`). */
export class DurableRateLimits implements RateLimitPort {
  constructor(private readonly ns: DurableObjectNamespace<RateLimiter>, private readonly now: () => number) {}

  private stub(subject: string) {
    return this.ns.get(this.ns.idFromName(subject));
  }

  hit(subject: string, limit: number, windowSeconds: number): Promise<HitResult> {
    return this.stub(subject).hit({ key: subject, limit, windowSeconds, now: this.now() });
  }

  peek(subject: string, limit: number, windowSeconds: number): Promise<HitResult> {
    return this.stub(subject).peek({ key: subject, limit, windowSeconds, now: this.now() });
  }

  reset(subject: string): Promise<void> {
    return this.stub(subject).reset({ key: subject });
  }
}
