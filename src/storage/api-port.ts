import type { ResourceServer } from '../oauth/resource-server';

/** Registered APIs (RFC 8707 resource servers), table `apis`. */
export interface ApiStore {
  /** The API whose identifier is exactly `identifier` (RFC 8707 §2: compared as a string). */
  get(identifier: string): Promise<ResourceServer | null>;
  /** The API that authenticates at /introspect as `client_id`, if any. */
  getByClientId(client_id: string): Promise<ResourceServer | null>;
  list(options: { limit: number; after?: string }): Promise<ResourceServer[]>;
  /** The identifiers of the APIs that register `authorization_details` type `type` (RFC 9396 §2), sorted. */
  detailTypeOwners(type: string): Promise<string[]>;
  /** Every registered `authorization_details` type, sorted (RFC 9396 §10 `authorization_details_types_supported`). */
  detailTypes(): Promise<string[]>;
  /** False when the identifier is taken. */
  create(api: ResourceServer): Promise<boolean>;
  replace(api: ResourceServer): Promise<boolean>;
  remove(identifier: string): Promise<boolean>;
}
