import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { browserSecret, checkBrowserBinding, verifyCsrf } from '../http/csrf';
import { readSession, startSession } from '../http/session';
import { logEvent } from '../log';
import { clientAddress } from '../http/request-input';
import { readForm } from '../http/form';
import { browserFacing, securityHeaders } from '../middleware/security-headers';
import { answerConsent, resumeAuthorization } from '../oauth/authorization-flow';
import { InvalidRequest } from '../oauth/errors';
import { loadInteraction } from '../oauth/interaction';
import { cancelAuthorization, switchAccount } from '../oauth/interaction-exits';
import { authenticatePassword, PASSWORD_ACR, PASSWORD_AMR } from '../oauth/login';
import { targetOf } from '../oauth/request-resolution';
import { CONSENT_BINDING_FIELD, renderAfterPost, renderStep, sendLoginPage } from './interaction-pages';

/**
 * The login and consent pages of a started authorization (DESIGN.md contract
 * 4). Each interaction is a server-side record named by an opaque id, bound to
 * the browser that started it; every POST is CSRF-checked. The target is
 * recorded once the page's own input is accepted: failures of the form
 * (forgery, a storage outage while signing in) stay on this site's pages.
 */
export const interactionRoutes = new Hono<AppEnv>();

interactionRoutes.use('*', securityHeaders, browserFacing);

function flowDeps(c: Context<AppEnv>) {
  return { ...c.get('services'), requestId: c.get('requestId') };
}

/** The interaction and its client; its pages speak the request's `ui_locales` (OpenID Connect Core §3.1.2.1), also when they show an error. */
async function load(c: Context<AppEnv>) {
  const id = c.req.param('id') ?? '';
  const loaded = await loadInteraction(id, c.get('services'));
  c.set('uiLocales', loaded.record.request.ui_locales);
  c.set('pageClient', loaded.client);
  return { id, ...loaded };
}

interactionRoutes.get('/:id', async (c) => {
  const { id, record, client } = await load(c);
  await checkBrowserBinding(c, record);
  c.set('responseTarget', targetOf(record, client));
  const session = await readSession(c);
  return renderStep(c, client, await resumeAuthorization({ id, interaction: record, client, session }, flowDeps(c)));
});

interactionRoutes.post('/:id/login', async (c) => {
  const services = c.get('services');
  const form = await readForm(c, services.config.maxBodyBytes);
  const { id, record, client } = await load(c);
  await verifyCsrf(c, record, form);
  const username = (form.get('username') ?? '').trim();
  const outcome = await authenticatePassword(username, form.get('password') ?? '', clientAddress(c), services);
  if (!outcome.ok) {
    logEvent('login_failed', { request_id: c.get('requestId'), client_id: client.client_id, reason: outcome.reason });
    if (outcome.reason === 'throttled') {
      const { retry_after } = outcome;
      return sendLoginPage(c, id, record, client, { error: { kind: 'throttled', retry_after }, username, status: 429, headers: { 'Retry-After': String(retry_after) } });
    }
    return sendLoginPage(c, id, record, client, { error: { kind: 'invalid' }, username, status: 400 });
  }
  const session = await startSession(c, await readSession(c), {
    sub: outcome.user.sub, auth_time: services.now(), amr: PASSWORD_AMR, acr: PASSWORD_ACR,
  });
  logEvent('login_succeeded', { request_id: c.get('requestId'), client_id: client.client_id, sub: session.sub });
  c.set('responseTarget', targetOf(record, client));
  const step = await resumeAuthorization({ id, interaction: record, client, session, user: outcome.user }, flowDeps(c));
  return renderAfterPost(c, client, step);
});

interactionRoutes.post('/:id/consent', async (c) => {
  const services = c.get('services');
  const form = await readForm(c, services.config.maxBodyBytes);
  const { id, record, client } = await load(c);
  await verifyCsrf(c, record, form);
  const decision = form.get('decision');
  if (decision !== 'allow' && decision !== 'deny') throw new InvalidRequest('decision must be "allow" or "deny"');
  const session = await readSession(c);
  c.set('responseTarget', targetOf(record, client));
  const step = await answerConsent({ id, interaction: record, client, session, decision, binding: form.get(CONSENT_BINDING_FIELD) }, flowDeps(c));
  return renderAfterPost(c, client, step);
});

/** "Cancel and return to the application", from the login or consent page: access_denied to the validated target (RFC 6749 §4.1.2.1). */
interactionRoutes.post('/:id/cancel', async (c) => {
  const services = c.get('services');
  const form = await readForm(c, services.config.maxBodyBytes);
  const { record, client } = await load(c);
  await verifyCsrf(c, record, form);
  c.set('responseTarget', targetOf(record, client));
  logEvent('interaction_cancelled', { request_id: c.get('requestId'), client_id: client.client_id });
  return renderStep(c, client, await cancelAuthorization({ interaction: record, session: await readSession(c) }, services));
});

/** "Not you? Sign in as someone else", from the consent page: the same request in a new interaction that asks for a fresh login. */
interactionRoutes.post('/:id/switch', async (c) => {
  const services = c.get('services');
  const form = await readForm(c, services.config.maxBodyBytes);
  const { record, client } = await load(c);
  await verifyCsrf(c, record, form);
  c.set('responseTarget', targetOf(record, client));
  const step = await switchAccount({ interaction: record, session: await readSession(c), browser: browserSecret(c) }, services);
  logEvent('interaction_switch_account', { request_id: c.get('requestId'), client_id: client.client_id });
  return renderAfterPost(c, client, step);
});
