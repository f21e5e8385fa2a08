import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { endpoints } from '../config';
import { authenticateClient, extractCredentials } from '../oauth/client-auth';
import type { StoredClient } from '../oauth/types';

/** Authenticates the client of a back-channel request from its header and form (shared by /par, /token, /revoke, /introspect). */
export function authenticateRequest(c: Context<AppEnv>, form: Map<string, string>): Promise<StoredClient> {
  const services = c.get('services');
  const creds = extractCredentials(c.req.header('authorization'), form);
  const urls = endpoints(services.config);
  return authenticateClient(creds, { ...services, requestId: c.get('requestId') }, [urls.token, urls.par]);
}
