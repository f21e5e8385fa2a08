import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { bindBrowser, browserSecret } from '../http/csrf';
import { readSession } from '../http/session';
import { readForm, readQuery } from '../http/form';
import { browserFacing, securityHeaders } from '../middleware/security-headers';
import { beginAuthorization } from '../oauth/authorization-flow';
import { MethodNotAllowed } from '../oauth/errors';
import {
  loadAuthorizeClient, loadPushedRequest, provisionalTarget, requestParameters, resolvePlainRequest, targetOf,
} from '../oauth/request-resolution';
import type { StoredClient } from '../oauth/types';
import type { ResolvedRequest } from '../storage/ports';
import { renderStep } from './interaction-pages';

/**
 * The authorization endpoint (RFC 6749 §3.1, §4.1.1; RFC 9126 §4; OpenID
 * Connect Core §3.1.2): resolve and validate the request, then either answer
 * at once (SSO, prompt=none) or start an interaction and show its first page.
 */
export const authorizeRoutes = new Hono<AppEnv>();

authorizeRoutes.use('*', securityHeaders, browserFacing);

/**
 * Resolves the request, recording its response target as soon as a registered
 * redirect_uri is known, so that errors from then on reach the client (RFC 6749
 * §4.1.2.1): from the raw parameters, then from a request object's (RFC 9101 §5).
 * A pushed request's other parameters are ignored (RFC 9126 §4).
 */
async function resolveRequest(c: Context<AppEnv>, params: Map<string, string>, client: StoredClient): Promise<ResolvedRequest> {
  const services = c.get('services');
  if (params.has('request_uri')) return loadPushedRequest(params, client, services);
  c.set('responseTarget', provisionalTarget(params, client));
  const effective = await requestParameters(params, client, services);
  c.set('responseTarget', provisionalTarget(effective, client));
  return resolvePlainRequest(effective, client, services);
}

authorizeRoutes.on(['GET', 'POST'], '/', async (c) => {
  const services = c.get('services');
  // RFC 6749 §3.1: GET must be supported, POST may be; parameters given twice are invalid_request.
  const params = c.req.method === 'POST' ? await readForm(c, services.config.maxBodyBytes) : readQuery(c);
  // The pages (errors included) speak ui_locales (OpenID Connect Core §3.1.2.1); a pushed request's own value replaces the URL's.
  c.set('uiLocales', params.get('ui_locales'));
  const client = await loadAuthorizeClient(params, services.clients);
  c.set('pageClient', client);
  const resolved = await resolveRequest(c, params, client);
  c.set('responseTarget', targetOf(resolved, client));
  c.set('uiLocales', resolved.request.ui_locales);
  const browser = browserSecret(c);
  const session = await readSession(c);
  const step = await beginAuthorization({ resolved, client, session, browser }, { ...services, requestId: c.get('requestId') });
  // A started interaction is bound to this browser (RFC 6749 §10.12).
  if (step.kind === 'login' || step.kind === 'consent') bindBrowser(c, browser);
  return renderStep(c, client, step);
});

authorizeRoutes.all('/', () => {
  throw new MethodNotAllowed('the authorization endpoint accepts GET and POST (RFC 6749 §3.1)', { headers: { Allow: 'GET, POST' } });
});
