// The rate-limit port (NIST SP 800-63B §5.2.2, RFC 6585 §4): re-exported by ports.ts.
/** One count: allowed with what is left, or refused with how long to wait (RFC 6585 §4 `Retry-After`). */
export type HitResult = { allowed: true; remaining: number } | { allowed: false; retry_after: number };

/**
 * How a counter admits attempts: at most `limit` per fixed window, or
 * `free` attempts and then a wait of `delay` seconds after each, doubling up
 * to `maxDelay` (a slowdown, never a lockout; NIST SP 800-63B §5.2.2).
 */
export type LimitPolicy =
  | { kind: 'window'; limit: number; windowSeconds: number }
  | { kind: 'backoff'; free: number; delay: number; maxDelay: number; windowSeconds: number };

/**
 * Counters per subject, each subject one strongly consistent unit holding
 * named counters (`key`s). Every method decides in one atomic step.
 */
export interface RateLimitPort {
  /** Counts one event on `subject`'s own counter; refuses without counting once `limit` is reached. */
  hit(subject: string, limit: number, windowSeconds: number): Promise<HitResult>;
  /** Reserves one attempt on every listed counter of `subject` before the attempt is made, or on none. */
  reserve(subject: string, checks: Array<{ key: string; policy: LimitPolicy }>): Promise<HitResult>;
  /** Gives back one reservation on `key` of `subject` (the attempt was not made). */
  release(subject: string, key: string): Promise<void>;
  /** Clears `keys` of `subject`, or all its counters when `keys` is omitted. */
  /** Clears `keys`, and each of `alone` only when it holds one attempt (a successful login's own; objects/rate-limiter.ts). */
  reset(subject: string, keys?: string[], options?: { alone?: string[] }): Promise<void>;
  /** The current count on `key` of `subject`. */
  count(subject: string, key: string): Promise<number>;
}
