import { sha256b64 } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import type { ActiveSession } from '../storage/ports';

/**
 * The origin an RP's check_session messages come from: that of its redirect_uri
 * (OpenID Connect Session Management §3). A private-use scheme has no web
 * origin, and a browser reports such a frame's origin as "null".
 */
export function rpOriginOf(redirect_uri: string): string {
  const url = new URL(redirect_uri);
  return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : 'null';
}

/**
 * `session_state` (OpenID Connect Session Management §3): a salted hash of the
 * client_id, the RP's origin and the OP browser state, then `.` and the salt.
 * The check_session iframe (routes/check-session.tsx) recomputes it from the
 * message's origin and the browser-state cookie, so both must hash alike:
 * base64url(SHA-256(client_id + " " + origin + " " + browser_state + " " + salt)).
 */
export async function computeSessionState(client_id: string, origin: string, browserState: string, salt = randomToken(16)): Promise<string> {
  return `${await sha256b64(`${client_id} ${origin} ${browserState} ${salt}`)}.${salt}`;
}

/** The `session_state` member of a successful authorization response to `redirect_uri` in `session` (Session Management §3). */
export async function sessionStateParam(client_id: string, redirect_uri: string, session: ActiveSession): Promise<{ session_state: string }> {
  return { session_state: await computeSessionState(client_id, rpOriginOf(redirect_uri), session.browser_state ?? '') };
}
