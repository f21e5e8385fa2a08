import type { ApiStore } from '../storage/ports';
import { assertClientMayUse, parseAuthorizationDetails, type AuthorizationDetail } from './authorization-details';
import { validateDetail } from './detail-schemas';
import { InvalidAuthorizationDetails } from './errors';
import type { ResourceServer } from './resource-server';
import { loadResources, parseResources } from './resources';
import type { AuthorizationRequest, Client } from './types';

const ownsType = (api: ResourceServer, type: string) => Object.hasOwn(api.authorization_details_types ?? {}, type);

/** With `resource` given, each type must belong to exactly one of the named APIs (DESIGN.md contract 5). */
function ownersAmong(details: AuthorizationDetail[], named: ResourceServer[]): ResourceServer[] {
  return details.map((detail, i) => {
    const owners = named.filter((api) => ownsType(api, detail.type));
    if (owners.length === 0) throw new InvalidAuthorizationDetails(`authorization_details[${i}] has a type of none of the requested resources (RFC 9396 section 5)`);
    if (owners.length > 1) throw new InvalidAuthorizationDetails(`authorization_details[${i}] has a type of more than one requested resource; request them separately`);
    return owners[0]!;
  });
}

/**
 * Without `resource`, the type's API is the audience (DESIGN.md contract 5):
 * each type must be registered by exactly one API, and all of them by the same
 * one, since an access token has one audience (RFC 8707 §2.2, RFC 9396 §9).
 * A client that wants details for several APIs names them with `resource`.
 */
async function impliedOwner(details: AuthorizationDetail[], client: Pick<Client, 'scope' | 'authorization_details_types'>, apis: ApiStore): Promise<ResourceServer> {
  const types = [...new Set(details.map((d) => d.type))];
  const owners = await Promise.all(types.map((t) => apis.detailTypeOwners(t)));
  owners.forEach((ids, i) => {
    // Named by index: a type is the client's text, and error descriptions may reach its redirect_uri.
    const at = details.findIndex((d) => d.type === types[i]);
    if (ids.length === 0) throw new InvalidAuthorizationDetails(`authorization_details[${at}] has an unknown type (RFC 9396 section 5)`);
    if (ids.length > 1) throw new InvalidAuthorizationDetails(`authorization_details[${at}] has a type offered by several APIs: name one with resource (RFC 8707 section 2)`);
  });
  const distinct = [...new Set(owners.map((ids) => ids[0]!))];
  if (distinct.length > 1) throw new InvalidAuthorizationDetails('authorization_details types belong to different APIs: name them with resource (RFC 8707 section 2)');
  const [api] = await loadResources(distinct, client, apis);
  return api!;
}

/**
 * Checks a request's `authorization_details` against the API registry (RFC
 * 9396 §2, §5; DESIGN.md contract 5): each type registered for the client
 * (§10) and owned by one API, each object valid against that type's schema.
 * Returns the request with the API of each detail recorded, and, when no
 * `resource` was named, the details' API as its resource: the audience of
 * its tokens. Everything refused is `invalid_authorization_details`.
 */
export async function resolveAuthorizationDetails(
  request: AuthorizationRequest, client: Pick<Client, 'scope' | 'authorization_details_types'>, apis: ApiStore,
): Promise<AuthorizationRequest> {
  if (request.authorization_details === undefined) return request;
  const details = parseAuthorizationDetails(request.authorization_details);
  assertClientMayUse(details, client);
  const named = parseResources(request.resource);
  let owners: ResourceServer[];
  if (named.length > 0) owners = ownersAmong(details, await loadResources(named, client, apis));
  else {
    const api = await impliedOwner(details, client, apis);
    owners = details.map(() => api);
  }
  details.forEach((detail, i) => validateDetail(owners[i]!, detail, i));
  return {
    ...request,
    ...(named.length === 0 && { resource: owners[0]!.identifier }),
    authorization_details_resources: owners.map((api) => api.identifier),
  };
}
