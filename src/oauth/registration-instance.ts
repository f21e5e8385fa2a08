import type { GrantData } from './grant-data';
import type { StoredClient } from './types';

/**
 * Whether a grant belongs to the client's current registration, not to an
 * earlier registration of the same client_id (DESIGN.md "What logout ends": a
 * re-registered client_id inherits nothing). Deleting a client revokes the
 * grants the lifecycle index knows; this refuses one that slipped past it
 * (issued through another isolate's cached registration while the deletion
 * ran). The instance is `client_id_issued_at` (RFC 7591 §3.2.1), recorded in
 * the grant at code issuance; grants recorded before it existed carry none.
 */
export function sameRegistration(data: Pick<GrantData, 'client_id' | 'client_id_issued_at'>, client: Pick<StoredClient, 'client_id' | 'client_id_issued_at'>): boolean {
  if (data.client_id !== client.client_id) return false;
  return data.client_id_issued_at === undefined || data.client_id_issued_at === client.client_id_issued_at;
}
