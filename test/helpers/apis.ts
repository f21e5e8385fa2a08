import { adminRequest } from './admin';
import { announceSecret } from './secrets';
import { unique } from './worker';

export interface RegisteredApi {
  identifier: string;
  client_id: string;
  client_secret: string;
  scopes: Array<{ name: string; description: string }>;
  [member: string]: unknown;
}

/** Registers an API (DESIGN.md contract 5) with a fresh identifier and `<prefix>:read` / `<prefix>:write` scopes. */
export async function registerApi(prefix: string, extra: Record<string, unknown> = {}): Promise<RegisteredApi> {
  const res = await adminRequest('POST', '/apis', {
    identifier: `https://${unique(prefix)}.api.example/`,
    name: `${prefix} API`,
    scopes: [{ name: `${prefix}:read`, description: `Read your ${prefix}` }, { name: `${prefix}:write`, description: `Change your ${prefix}` }],
    ...extra,
  });
  if (res.status !== 201) throw new Error(`API registration failed: ${res.status} ${await res.text()}`);
  const api = await res.json<RegisteredApi>();
  announceSecret(api.client_secret);
  return api;
}
