import type { Grant } from '../objects/grant';

/**
 * The grant Durable Objects, addressed by handle (`idFromName(handle)`). A
 * thin pass-through: each call is one round trip to the grant's object, and
 * results are tagged (`{ ok: false, reason }`), never thrown.
 */
export class GrantStore {
  constructor(private readonly ns: DurableObjectNamespace<Grant>) {}

  /** The grant's object; methods: issueCode, redeemCode, rotateRefresh, status, revoke, revokeAccessToken. */
  grant(handle: string): DurableObjectStub<Grant> {
    return this.ns.get(this.ns.idFromName(handle));
  }
}
