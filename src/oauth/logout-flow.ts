import type { Config } from '../config';
import type { ActiveSession, ClientStore, KeyStorePort } from '../storage/ports';
import { InvalidRequest, OAuthError } from './errors';
import { readLogoutHint, type LogoutHint } from './logout-hint';
import { endSession, type EndedSession, type SessionEndDeps } from './session-end';
import type { StoredClient } from './types';

/** The parameters of a logout request (OpenID Connect RP-Initiated Logout 1.0 §2). */
export interface LogoutRequest {
  id_token_hint?: string;
  client_id?: string;
  post_logout_redirect_uri?: string;
  state?: string;
  ui_locales?: string;
  logout_hint?: string;
}

const PARAMETERS = ['id_token_hint', 'client_id', 'post_logout_redirect_uri', 'state', 'ui_locales', 'logout_hint'] as const;

/**
 * The logout flow of the browser (RP-Initiated Logout §2–§4, Front-Channel
 * Logout §3), in the shape of the authorization flow: routes parse input,
 * call `beginLogout` and render the step.
 */
export type LogoutStep =
  /** Ask the user to confirm (§2: without a hint for this session a logout may be forged, §6). */
  | { kind: 'confirm'; request: LogoutRequest; client: StoredClient | null }
  /**
   * Logged out (`ended` null when there was no live session): render `frontchannel`
   * (Front-Channel Logout §3), then continue to `redirect` (§3) or a signed-out page.
   */
  | { kind: 'done'; ended: EndedSession | null; frontchannel: string[]; redirect: string | null }
  /** Refused; shown as a page, never redirected (§3, §4). */
  | { kind: 'error'; error: OAuthError };

/** What the logout flow reads and writes (all in `Services`). */
export interface LogoutDeps extends SessionEndDeps {
  config: Config;
  keys: KeyStorePort;
  clients: Pick<ClientStore, 'get'>;
}

/** The request's parameters; the form's own fields (csrf_token, decision) are not part of it. */
export function logoutRequestOf(params: Map<string, string>): LogoutRequest {
  const request: LogoutRequest = {};
  for (const name of PARAMETERS) {
    const value = params.get(name);
    if (value !== undefined && value !== '') request[name] = value;
  }
  return request;
}

interface Validated {
  hint: LogoutHint | null;
  client: StoredClient | null;
  redirect: string | null;
}

/**
 * §2–§3: the hint must be ours; `client_id`, when both are given, must be an
 * audience of the hint; a `post_logout_redirect_uri` needs the client
 * identified and must be one it registered, character for character (so a
 * query added, or any change, is refused). Then `state` is appended to it.
 */
async function validate(request: LogoutRequest, deps: LogoutDeps): Promise<Validated> {
  const hint = request.id_token_hint === undefined ? null : await readLogoutHint(request.id_token_hint, deps);
  if (hint && request.client_id !== undefined && !hint.aud.includes(request.client_id)) {
    throw new InvalidRequest('client_id is not the client the id_token_hint was issued to', { allowRedirect: false });
  }
  const client_id = request.client_id ?? (hint?.aud.length === 1 ? hint.aud[0] : undefined);
  const client = client_id === undefined ? null : await deps.clients.get(client_id);
  if (request.client_id !== undefined && !client) throw new InvalidRequest('unknown client_id', { allowRedirect: false });
  const uri = request.post_logout_redirect_uri;
  if (uri === undefined) return { hint, client, redirect: null };
  if (!client) {
    throw new InvalidRequest('post_logout_redirect_uri needs the client identified by id_token_hint or client_id', { allowRedirect: false });
  }
  if (!client.post_logout_redirect_uris.includes(uri)) {
    throw new InvalidRequest('post_logout_redirect_uri is not registered for this client', { allowRedirect: false });
  }
  const redirect = new URL(uri);
  if (request.state !== undefined) redirect.searchParams.append('state', request.state);
  return { hint, client, redirect: redirect.href };
}

/** Whether a verified hint names the browser's own session: its sid, or (an ID token without sid) its user. */
function namesSession(hint: LogoutHint | null, session: ActiveSession): boolean {
  if (!hint) return false;
  return hint.sid !== undefined ? hint.sid === session.sid : hint.sub === session.sub;
}

/** Front-Channel Logout §2–§3: the frontchannel_logout_uri of each client of the ended session, with `iss` and `sid` where required. */
async function frontchannelUris(ended: EndedSession, deps: LogoutDeps): Promise<string[]> {
  const clients = await Promise.all(ended.clients.map((client_id) => deps.clients.get(client_id)));
  const uris: string[] = [];
  for (const client of clients) {
    if (!client?.frontchannel_logout_uri) continue;
    const url = new URL(client.frontchannel_logout_uri);
    if (client.frontchannel_logout_session_required) {
      url.searchParams.append('iss', deps.config.issuer);
      url.searchParams.append('sid', ended.sid);
    }
    uris.push(url.href);
  }
  return uris;
}

/**
 * At the end_session_endpoint (RP-Initiated Logout §2): validates the request,
 * then asks the user to confirm unless the hint names this session (or the
 * user just confirmed on our CSRF-protected page); ends the session (the
 * grants issued in it, except offline_access ones, session-end.ts) and names
 * the front-channel frames and where the browser goes next.
 */
export async function beginLogout(
  input: { request: LogoutRequest; session: ActiveSession | null; confirmed: boolean }, deps: LogoutDeps,
): Promise<LogoutStep> {
  let validated: Validated;
  try {
    validated = await validate(input.request, deps);
  } catch (error) {
    if (error instanceof OAuthError) return { kind: 'error', error };
    throw error;
  }
  const { session } = input;
  if (session && !input.confirmed && !namesSession(validated.hint, session)) {
    return { kind: 'confirm', request: input.request, client: validated.client };
  }
  const ended = session ? await endSession(session.sid, { keepOffline: true }, deps) : null;
  const frontchannel = ended ? await frontchannelUris(ended, deps) : [];
  return { kind: 'done', ended, frontchannel, redirect: validated.redirect };
}
