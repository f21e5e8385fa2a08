import type { Grant } from '../objects/grant';
import type { GrantObject, GrantPort } from './ports';

/**
 * The grant Durable Objects, addressed by handle (`idFromName(handle)`). A
 * thin pass-through: each call is one round trip to the grant's object, and
 * results are tagged (`{ ok: false, reason }`), never thrown.
 */
export class GrantStore implements GrantPort {
  constructor(private readonly ns: DurableObjectNamespace<Grant>) {}

  grant(handle: string): GrantObject {
    return this.ns.get(this.ns.idFromName(handle)) as unknown as GrantObject;
  }
}
