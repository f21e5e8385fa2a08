import { announceSecret } from './secrets';
import { ADMIN_TOKEN, call, unique } from './worker';

export interface RegisteredClient {
  client_id: string;
  client_secret?: string;
  [member: string]: unknown;
}

export function adminRequest(method: string, path: string, body?: unknown, token = ADMIN_TOKEN): Promise<Response> {
  return call(`/admin${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}

/** Registers a client through the admin API and returns its registration (with the one-time secret). */
export async function registerClient(metadata: Record<string, unknown> = {}): Promise<RegisteredClient> {
  const res = await adminRequest('POST', '/clients', {
    client_id: unique('client'),
    redirect_uris: ['https://rp.example/cb'],
    scope: 'openid profile email offline_access',
    ...metadata,
  });
  if (res.status !== 201) throw new Error(`client registration failed: ${res.status} ${await res.text()}`);
  const client = await res.json<RegisteredClient>();
  announceSecret(client.client_secret);
  return client;
}

export async function createUser(username = unique('user'), password = 'correct horse battery', claims: Record<string, unknown> = {}) {
  announceSecret(password);
  const res = await adminRequest('POST', '/users', { username, password, claims });
  if (res.status !== 201) throw new Error(`user creation failed: ${res.status} ${await res.text()}`);
  return { ...((await res.json()) as { sub: string; username: string }), password };
}
