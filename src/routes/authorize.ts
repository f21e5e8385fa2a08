import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { logEvent } from '../log';
import { bindBrowser } from '../middleware/csrf';
import { readForm, readQuery } from '../middleware/form';
import { securityHeaders } from '../middleware/security-headers';
import { readSession } from '../middleware/session';
import { loadAuthorizeClient, provisionalTarget, resolveAuthorizationRequest, targetOf } from '../oauth/authorize';
import { subjectOfIdTokenHint } from '../oauth/authorize-id-token-hint';
import type { ResponseTarget } from '../oauth/authorization-response';
import { MethodNotAllowed } from '../oauth/errors';
import { nextStep, refuseInteraction, requiresFreshLogin, startInteraction } from '../oauth/interaction';
import { finishAuthorization, htmlErrorPage, redirectingErrors } from './front-channel';
import { sendConsentPage, sendLoginPage } from './interaction-pages';

/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1.1; RFC 9126 §4; OpenID
 * Connect Core §3.1.2): resolve and validate the request, then either answer
 * at once (SSO, prompt=none) or start an interaction and show its first page.
 */
export const authorizeRoutes = new Hono<AppEnv>();

authorizeRoutes.use('*', securityHeaders, async (c, next) => {
  c.set('errorPage', htmlErrorPage);
  await next();
});

authorizeRoutes.on(['GET', 'POST'], '/', async (c) => {
  const services = c.get('services');
  // RFC 6749 §3.1: GET must be supported, POST may be; parameters given twice are invalid_request.
  const params = c.req.method === 'POST' ? await readForm(c, services.config.maxBodyBytes) : readQuery(c);
  let target: ResponseTarget | undefined;
  const client = await loadAuthorizeClient(params, services.clients);
  return redirectingErrors(c, () => target, async () => {
    target = provisionalTarget(params, client);
    const resolved = await resolveAuthorizationRequest(params, client, services, (t) => (target = t));
    target = targetOf(resolved);
    const session = await readSession(c);
    const now = services.now();
    const hint = resolved.request.id_token_hint;
    // OIDC Core §3.1.2.1: a session of another user than the hinted one must not answer.
    const hinted = hint === undefined ? undefined : await subjectOfIdTokenHint(hint, client, services);
    const otherUser = hinted !== undefined && session !== null && hinted !== session.sub;
    const force_login = otherUser || requiresFreshLogin(resolved.request, session, now);
    const step = await nextStep(resolved.request, { force_login, prior_sid: session?.sid, created_at: now }, session, services.consents);
    refuseInteraction(step, resolved.request);
    if (step === 'complete') return finishAuthorization(c, resolved, session!);
    const { id, record } = await startInteraction(resolved, session, force_login, bindBrowser(c), services);
    logEvent('interaction_started', { request_id: c.get('requestId'), client_id: client.client_id, par: resolved.par, step });
    return step === 'login' ? sendLoginPage(c, id, record, client) : sendConsentPage(c, id, record, client, session!);
  });
});

authorizeRoutes.all('/', () => {
  throw new MethodNotAllowed('the authorization endpoint accepts GET and POST (RFC 6749 §3.1)', { headers: { Allow: 'GET, POST' } });
});
