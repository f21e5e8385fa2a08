import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import { cspSourceOf } from '../http/csp';
import { sendAuthorizationResponse, sendPage } from '../http/browser-responses';
import { httpsOnly, imageOrigins } from '../http/page-context';
import type { AuthorizationStep } from '../oauth/authorization-flow';
import { describeAuthorizationDetails } from '../oauth/detail-display';
import { apiScopeDescriptions } from '../oauth/resources';
import type { Client } from '../oauth/types';
import type { InteractionRecord } from '../storage/ports';
import { AuthorizationDetails } from '../ui/authorization-details';
import { ConsentPage, type ClientPresentation } from '../ui/consent-page';
import { LoginPage, type LoginError } from '../ui/login-page';

/** The consent form's hidden input naming the session the page was shown to (oauth/consent.ts `consentBinding`). */
export const CONSENT_BINDING_FIELD = 'consent_binding';

/** The forms of an interaction's pages: its own URL, sign in, consent, cancel (access_denied) and "not you?" (switch). */
export type InteractionAction = 'login' | 'consent' | 'cancel' | 'switch';

/** Path of an interaction's page and of its form targets; relative so cookies and Origin stay on this host. */
export function interactionPath(id: string, action?: InteractionAction): string {
  return action ? `/interaction/${id}/${action}` : `/interaction/${id}`;
}

/** The name shown to users: the registered client_name, else the client_id. */
function displayName(client: Client): string {
  return client.client_name ?? client.client_id;
}

/** How the client presents itself on the consent page: its name, and its logo and policy links only when https (RFC 7591 §2). */
function presentationOf(client: Client): ClientPresentation {
  return {
    name: displayName(client), logoUri: httpsOnly(client.logo_uri), policyUri: httpsOnly(client.policy_uri), tosUri: httpsOnly(client.tos_uri),
  };
}

/** form-action sources for a page whose POST may answer with a redirect to the client. */
function clientFormAction(redirect_uri: string): string[] {
  return [cspSourceOf(redirect_uri)];
}

/** The login page of interaction `id`, optionally with the refusal of the last attempt and its status. */
export function sendLoginPage(
  c: Context<AppEnv>, id: string, record: InteractionRecord, client: Client,
  options: { error?: LoginError; username?: string; status?: number; headers?: Record<string, string> } = {},
): Response {
  return sendPage(
    c,
    (page) => (
      <LoginPage
        page={page} action={interactionPath(id, 'login')} cancelAction={interactionPath(id, 'cancel')} csrf={record.csrf}
        clientName={displayName(client)} username={options.username ?? record.request.login_hint} error={options.error}
      />
    ),
    { status: options.status, headers: options.headers, formAction: clientFormAction(record.request.redirect_uri) },
  );
}

/**
 * The consent page of a `consent` step, for the signed-in account it names;
 * API scopes (RFC 8707) with their registered descriptions; the client's logo
 * admitted by this page's CSP only.
 */
async function sendConsentPage(c: Context<AppEnv>, client: Client, step: Extract<AuthorizationStep, { kind: 'consent' }>): Promise<Response> {
  const { request } = step.interaction;
  const { apis } = c.get('services');
  const [apiScopes, details] = await Promise.all([apiScopeDescriptions(request.resource, apis), describeAuthorizationDetails(request, apis)]);
  const presentation = presentationOf(client);
  return sendPage(
    c,
    (page) => (
      <ConsentPage
        page={page} action={interactionPath(step.id, 'consent')} cancelAction={interactionPath(step.id, 'cancel')}
        switchAction={interactionPath(step.id, 'switch')} csrf={step.interaction.csrf} client={presentation}
        returnTo={new URL(request.redirect_uri).host || request.redirect_uri} scope={request.scope} claims={step.claims}
        apiScopes={apiScopes} details={<AuthorizationDetails details={details} />} username={step.username} binding={{ name: CONSENT_BINDING_FIELD, value: step.binding }}
      />
    ),
    { formAction: clientFormAction(request.redirect_uri), imgSrc: imageOrigins(presentation.logoUri) },
  );
}

/**
 * Renders a step of the authorization flow: its page, the authorization
 * response carrying the code, or (by throwing it) an error the error handler
 * sends to the request's response target.
 */
export function renderStep(c: Context<AppEnv>, client: Client, step: AuthorizationStep): Response | Promise<Response> {
  switch (step.kind) {
    case 'login':
      return sendLoginPage(c, step.id, step.interaction, client);
    case 'consent':
      return sendConsentPage(c, client, step);
    case 'complete':
      return sendAuthorizationResponse(c, step.target, step.params);
    case 'error':
      throw step.error;
  }
}

/** After a form POST a page is reached by 303 to the interaction's own URL (post/redirect/get); the flow's end is rendered. */
export function renderAfterPost(c: Context<AppEnv>, client: Client, step: AuthorizationStep): Response | Promise<Response> {
  if (step.kind === 'login' || step.kind === 'consent') return c.redirect(interactionPath(step.id), 303);
  return renderStep(c, client, step);
}
