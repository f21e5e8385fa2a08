import type { DurableObject } from 'cloudflare:workers';
import type { Grant } from '../objects/grant';

/**
 * A grant object's RPC methods with their declared result types. The stub's
 * own typing drops result branches whose `data` (Record<string, unknown>) it
 * cannot prove serializable, which would leave callers only the failures.
 */
export type GrantObject = Omit<Grant, keyof DurableObject>;

/**
 * The grant Durable Objects, addressed by handle (`idFromName(handle)`). A
 * thin pass-through: each call is one round trip to the grant's object, and
 * results are tagged (`{ ok: false, reason }`), never thrown.
 */
export class GrantStore {
  constructor(private readonly ns: DurableObjectNamespace<Grant>) {}

  /** The grant's object; methods: issueCode, redeemCode, rotateRefresh, checkRefresh, status, revoke, revokeAccessToken. */
  grant(handle: string): GrantObject {
    return this.ns.get(this.ns.idFromName(handle)) as unknown as GrantObject;
  }
}
