import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { checkBrowserBinding, verifyCsrf } from '../http/csrf';
import { readSession, startSession } from '../http/session';
import { logEvent } from '../log';
import { clientAddress } from '../http/request-input';
import { readForm } from '../http/form';
import { browserFacing, securityHeaders } from '../middleware/security-headers';
import { answerConsent, resumeAuthorization } from '../oauth/authorization-flow';
import { InvalidRequest } from '../oauth/errors';
import { loadInteraction } from '../oauth/interaction';
import { authenticatePassword, PASSWORD_ACR, PASSWORD_AMR } from '../oauth/login';
import { targetOf } from '../oauth/request-resolution';
import { throttledMessage } from '../ui/login-page';
import { CONSENT_BINDING_FIELD, renderAfterPost, renderStep, sendLoginPage } from './interaction-pages';

/**
 * The login and consent pages of a started authorization (DESIGN.md contract
 * 4). Each interaction is a server-side record named by an opaque id, bound to
 * the browser that started it; every POST is CSRF-checked. The target is
 * recorded once the page's own input is accepted: failures of the form
 * (forgery, a storage outage while signing in) stay on this site's pages.
 */
export const interactionRoutes = new Hono<AppEnv>();

const BAD_CREDENTIALS = 'The username or password is incorrect.';

interactionRoutes.use('*', securityHeaders, browserFacing);

function flowDeps(c: Context<AppEnv>) {
  return { ...c.get('services'), requestId: c.get('requestId') };
}

async function load(c: Context<AppEnv>) {
  const id = c.req.param('id') ?? '';
  return { id, ...(await loadInteraction(id, c.get('services'))) };
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
      return sendLoginPage(c, id, record, client, { error: throttledMessage(outcome.retry_after), username, status: 429, headers: { 'Retry-After': String(outcome.retry_after) } });
    }
    return sendLoginPage(c, id, record, client, { error: BAD_CREDENTIALS, username, status: 400 });
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
