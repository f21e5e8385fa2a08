import { base64url, utf8 } from '../crypto/encoding';
import { timingSafeEqualStrings } from '../crypto/hash';
import type { ActiveSession, Consent } from '../storage/ports';
import { scopeClaims } from './claims';
import { promptValues } from './interaction';
import { hasScope } from './token-scope';
import type { AuthorizationRequest } from './types';

/** OpenID Connect Core §11: the scope of a refresh token for use while the user is away. */
export const OFFLINE_ACCESS = 'offline_access';

/**
 * The scope to remember or to grant without a consent page: `offline_access`
 * is granted only by an Allow on a consent page that listed it for this very
 * request (OpenID Connect Core §11: "The OP MUST always obtain consent to
 * returning a Refresh Token that allows offline access"), so it is never
 * remembered and never granted silently.
 */
export function withoutOfflineAccess(scope: string): string {
  return scope.split(' ').filter((s) => s !== '' && s !== OFFLINE_ACCESS).join(' ');
}

/**
 * Whether the remembered consent covers every requested scope and every claim
 * asked for individually (`claims`, OpenID Connect Core §5.5), and prompt=consent
 * did not ask again (§3.1.2.4). A request with `authorization_details`
 * always needs the page (RFC 9396). A request for `offline_access` needs the page
 * (§11), except with prompt=none, where it is ignored instead.
 */
export function consentCovers(request: AuthorizationRequest, consent: Consent | null, claims: readonly string[]): boolean {
  const prompts = promptValues(request);
  if (prompts.includes('consent') || !consent) return false;
  // RFC 9396 §1: details describe one transaction (a payment, an amount), so each request's details are shown and approved; nothing is remembered.
  if (request.authorization_details !== undefined) return false;
  if (hasScope(request.scope, OFFLINE_ACCESS) && !prompts.includes('none')) return false;
  const granted = new Set(consent.scope.split(' '));
  if (!withoutOfflineAccess(request.scope).split(' ').filter(Boolean).every((s) => granted.has(s))) return false;
  const grantedClaims = new Set([...consent.claims.split(' '), ...scopeClaims(consent.scope)]);
  return claims.every((c) => grantedClaims.has(c));
}

async function mac(key: string, message: string): Promise<string> {
  const hmacKey = await crypto.subtle.importKey('raw', utf8(key), { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  return base64url(new Uint8Array(await crypto.subtle.sign('HMAC', hmacKey, utf8(message))));
}

/**
 * The value a consent form carries to say whom it was shown to: a MAC, keyed
 * with the interaction's CSRF secret, of the session (`sid`) and user (`sub`)
 * the page was rendered for. An answer is taken only from that session, so
 * another account signing in in another tab cannot inherit the page (issue 9
 * item 6; OpenID Connect Core §3.1.2.4: consent is the End-User's).
 */
export function consentBinding(csrf: string, session: Pick<ActiveSession, 'sid' | 'sub'>): Promise<string> {
  return mac(csrf, `consent\n${session.sid}\n${session.sub}`);
}

/** Whether a consent form's binding names `session`. */
export async function consentBoundTo(given: string | undefined, csrf: string, session: Pick<ActiveSession, 'sid' | 'sub'>): Promise<boolean> {
  if (given === undefined) return false;
  return timingSafeEqualStrings(given, await consentBinding(csrf, session));
}
