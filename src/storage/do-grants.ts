import type { Grant, GrantDataRecord } from '../objects/grant';
import type { GrantData } from '../oauth/grant-data';
import type { GrantHandle, GrantPort } from './ports';

/**
 * The one translation from the Grant object's results to the port's: the
 * object keeps the protocol's grant data as an opaque record, written only by
 * `issueCode` from a `GrantData`. A record without the required members is a
 * bug, not bad input, and surfaces as one.
 */
function asGrantData(data: GrantDataRecord): GrantData {
  const { client_id, sub, scope, redirect_uri, auth_time } = data;
  if (typeof client_id !== 'string' || typeof sub !== 'string' || typeof scope !== 'string' || typeof redirect_uri !== 'string' || typeof auth_time !== 'number') {
    throw new Error('a grant object returned a record that is not grant data');
  }
  return { ...data, client_id, sub, scope, redirect_uri, auth_time };
}

/**
 * The grant Durable Objects, addressed by handle (`idFromName(handle)`). Each
 * call is one round trip to the grant's object; results are tagged
 * (`{ ok: false, reason }`), never thrown (STYLE.md).
 */
export class GrantStore implements GrantPort {
  constructor(private readonly ns: DurableObjectNamespace<Grant>) {}

  grant(handle: string): GrantHandle {
    const stub = this.ns.get(this.ns.idFromName(handle));
    return {
      issueCode: (input) => stub.issueCode({ ...input, data: { ...input.data } }),
      redeemCode: async (input) => {
        const result = await stub.redeemCode(input);
        return result.ok ? { ok: true, data: asGrantData(result.data) } : result;
      },
      rotateRefresh: async (input) => {
        const result = await stub.rotateRefresh(input);
        return result.ok ? { ...result, data: asGrantData(result.data) } : result;
      },
      checkRefresh: async (input) => {
        const result = await stub.checkRefresh(input);
        return result.ok ? { ...result, data: asGrantData(result.data) } : result;
      },
      status: async (input) => {
        const result = await stub.status(input);
        return result.active ? { active: true, data: asGrantData(result.data) } : { active: false };
      },
      revoke: async (input) => {
        const result = await stub.revoke(input ?? {});
        return result.data ? { revoked: result.revoked, data: asGrantData(result.data) } : { revoked: result.revoked };
      },
      revokeAccessToken: async (input) => {
        await stub.revokeAccessToken(input);
      },
    };
  }
}
