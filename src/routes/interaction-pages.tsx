import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import type { Client } from '../oauth/types';
import type { ActiveSession } from '../storage/ports';
import type { InteractionRecord } from '../storage/ports';
import { ConsentPage } from '../ui/consent-page';
import { LoginPage } from '../ui/login-page';
import { clientFormAction, displayName, sendPage } from './front-channel';

/** Path of an interaction's page and of its form targets; relative so cookies and Origin stay on this host. */
export function interactionPath(id: string, action?: 'login' | 'consent'): string {
  return action ? `/interaction/${id}/${action}` : `/interaction/${id}`;
}

/** The login page of interaction `id`, optionally with the one generic error message and its status. */
export function sendLoginPage(
  c: Context<AppEnv>, id: string, record: InteractionRecord, client: Client,
  options: { error?: string; username?: string; status?: number; headers?: Record<string, string> } = {},
): Response {
  return sendPage(
    c,
    (nonce) => (
      <LoginPage
        nonce={nonce} action={interactionPath(id, 'login')} csrf={record.csrf} clientName={displayName(client)}
        username={options.username ?? record.request.login_hint} error={options.error}
      />
    ),
    { status: options.status, headers: options.headers, formAction: clientFormAction(record.request.redirect_uri) },
  );
}

/** The consent page of interaction `id` for the signed-in user. */
export async function sendConsentPage(c: Context<AppEnv>, id: string, record: InteractionRecord, client: Client, session: ActiveSession): Promise<Response> {
  const user = await c.get('services').users.get(session.sub);
  return sendPage(
    c,
    (nonce) => (
      <ConsentPage
        nonce={nonce} action={interactionPath(id, 'consent')} csrf={record.csrf} clientName={displayName(client)}
        returnTo={new URL(record.request.redirect_uri).host || record.request.redirect_uri} scope={record.request.scope}
        username={user?.username ?? session.sub}
      />
    ),
    { formAction: clientFormAction(record.request.redirect_uri) },
  );
}
