import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { logEvent } from '../log';
import { checkBrowserBinding, verifyCsrf } from '../middleware/csrf';
import { clientAddress } from '../middleware/context';
import { readForm } from '../middleware/form';
import { securityHeaders } from '../middleware/security-headers';
import { readSession, startSession } from '../middleware/session';
import { targetOf } from '../oauth/authorize';
import { applyConsentDecision } from '../oauth/consent';
import { InvalidRequest } from '../oauth/errors';
import { loginSatisfies, nextStep } from '../oauth/interaction';
import { authenticatePassword, PASSWORD_ACR, PASSWORD_AMR } from '../oauth/login';
import type { StoredClient } from '../oauth/types';
import type { InteractionRecord } from '../storage/ports';
import { finishAuthorization, htmlErrorPage, redirectingErrors } from './front-channel';
import { interactionPath, sendConsentPage, sendLoginPage } from './interaction-pages';

/**
 * The login and consent pages of a started authorization (DESIGN.md contract
 * 4). Each interaction is a server-side record named by an opaque id, bound to
 * the browser that started it; every POST is CSRF-checked.
 */
export const interactionRoutes = new Hono<AppEnv>();

const BAD_CREDENTIALS = 'The username or password is incorrect.';
const THROTTLED = 'Too many sign-in attempts. Wait a few minutes, then try again.';

interactionRoutes.use('*', securityHeaders, async (c, next) => {
  c.set('errorPage', htmlErrorPage);
  await next();
});

async function load(c: Context<AppEnv>): Promise<{ id: string; record: InteractionRecord; client: StoredClient }> {
  const services = c.get('services');
  const id = c.req.param('id') ?? '';
  const record = await services.interactions.get(id);
  // Same words for unknown and expired: the id is a capability, its absence tells nothing.
  if (!record) throw new InvalidRequest('this sign-in request has expired or is not known');
  const client = await services.clients.get(record.client_id);
  if (!client) throw new InvalidRequest('the application is no longer registered');
  return { id, record, client };
}

interactionRoutes.get('/:id', async (c) => {
  const { id, record, client } = await load(c);
  await checkBrowserBinding(c, record);
  const resolved = { client, request: record.request, handle: record.handle, par: record.par };
  return redirectingErrors(c, () => targetOf(resolved), async () => {
    const session = await readSession(c);
    const step = await nextStep(record.request, record, session, c.get('services').consents);
    if (step === 'complete') return finishAuthorization(c, resolved, session!);
    return step === 'login' ? sendLoginPage(c, id, record, client) : sendConsentPage(c, id, record, client, session!);
  });
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
      return sendLoginPage(c, id, record, client, { error: THROTTLED, username, status: 429, headers: { 'Retry-After': String(outcome.retry_after) } });
    }
    return sendLoginPage(c, id, record, client, { error: BAD_CREDENTIALS, username, status: 400 });
  }
  const session = await startSession(c, await readSession(c), {
    sub: outcome.user.sub, auth_time: services.now(), amr: PASSWORD_AMR, acr: PASSWORD_ACR,
  });
  logEvent('login_succeeded', { request_id: c.get('requestId'), client_id: client.client_id, sub: session.sub });
  const resolved = { client, request: record.request, handle: record.handle, par: record.par };
  return redirectingErrors(c, () => targetOf(resolved), async () => {
    const step = await nextStep(record.request, record, session, services.consents);
    if (step === 'complete') return finishAuthorization(c, resolved, session);
    return c.redirect(interactionPath(id), 303);
  });
});

interactionRoutes.post('/:id/consent', async (c) => {
  const services = c.get('services');
  const form = await readForm(c, services.config.maxBodyBytes);
  const { id, record, client } = await load(c);
  await verifyCsrf(c, record, form);
  const decision = form.get('decision');
  if (decision !== 'allow' && decision !== 'deny') throw new InvalidRequest('decision must be "allow" or "deny"');
  const session = await readSession(c);
  // Signed out, or a different login is needed, since the page was shown: back to the page, which shows login.
  if (!loginSatisfies(record, session)) return c.redirect(interactionPath(id), 303);
  const resolved = { client, request: record.request, handle: record.handle, par: record.par };
  return redirectingErrors(c, () => targetOf(resolved), async () => {
    await applyConsentDecision(decision, session.sub, record.request, services);
    logEvent('consent_granted', { request_id: c.get('requestId'), client_id: client.client_id, sub: session.sub, scope: record.request.scope });
    return finishAuthorization(c, resolved, session);
  });
});
