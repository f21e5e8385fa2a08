import type { ReplayGuard } from '../objects/replay-guard';
import type { ReplayStore } from './ports';

/** `jti` single use through one ReplayGuard Durable Object per scope (per client). */
export class DurableReplayStore implements ReplayStore {
  constructor(private readonly ns: DurableObjectNamespace<ReplayGuard>, private readonly now: () => number) {}

  claim(scope: string, jti: string, expiresAt: number): Promise<boolean> {
    return this.ns.get(this.ns.idFromName(scope)).claim(jti, expiresAt, this.now());
  }
}
