import type { ConsentPort } from '../storage/ports';
import { AccessDenied, InvalidRequest } from './errors';
import type { AuthorizationRequest } from './types';

/**
 * Applies the user's answer on the consent page (OpenID Connect Core §3.1.2.4):
 * `allow` remembers the granted scopes for this user and client, `deny` is
 * `access_denied` for the client (RFC 6749 §4.1.2.1).
 */
export async function applyConsentDecision(
  decision: string | undefined, sub: string, request: AuthorizationRequest, deps: { consents: ConsentPort; now: () => number },
): Promise<void> {
  if (decision === 'deny') throw new AccessDenied('the user denied the request');
  if (decision !== 'allow') throw new InvalidRequest('decision must be "allow" or "deny"');
  await deps.consents.grant(sub, request.client_id, request.scope, deps.now());
}
