import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { sendPage } from '../http/browser-responses';
import { cspSourceOf } from '../http/csp';
import { checkCsrfToken, checkSameOrigin } from '../http/csrf';
import { readForm, readQuery } from '../http/form';
import { clearSession, logoutCsrfToken, readSession } from '../http/session';
import { logEvent } from '../log';
import { browserFacing, securityHeaders } from '../middleware/security-headers';
import { MethodNotAllowed } from '../oauth/errors';
import { beginLogout, logoutRequestOf, type LogoutStep } from '../oauth/logout-flow';
import { LogoutConfirmPage, SignedOutPage } from '../ui/logout-pages';

/**
 * The end_session_endpoint (OpenID Connect RP-Initiated Logout 1.0 §2, GET and
 * POST): the flow in oauth/logout-flow.ts decides, this file renders. Every
 * refusal is a page of this site, never a redirect (§3, §4).
 */
export const logoutRoutes = new Hono<AppEnv>();

logoutRoutes.use('*', securityHeaders, browserFacing);

/** The path the confirmation form posts to; relative, so the cookie and Origin stay on this host. */
const LOGOUT_PATH = '/logout';

async function render(c: Context<AppEnv>, step: LogoutStep): Promise<Response> {
  switch (step.kind) {
    case 'error':
      throw step.error;
    case 'confirm': {
      const { post_logout_redirect_uri } = step.request;
      // A confirm step means a live session, so its cookie (and the token derived from it) is there.
      const csrf = (await logoutCsrfToken(c)) ?? '';
      return sendPage(
        c,
        (page) => (
          <LogoutConfirmPage
            page={page} action={LOGOUT_PATH} csrf={csrf} fields={{ ...step.request }}
            clientName={step.client ? (step.client.client_name ?? step.client.client_id) : undefined}
          />
        ),
        // Chromium applies form-action to the redirect that answers the confirming POST.
        { formAction: post_logout_redirect_uri ? [cspSourceOf(post_logout_redirect_uri)] : [] },
      );
    }
    case 'done': {
      clearSession(c);
      logEvent('logout', {
        request_id: c.get('requestId'), sid: step.ended?.sid, clients: step.ended?.clients.length ?? 0,
        frontchannel: step.frontchannel.length, redirect: step.redirect !== null,
      });
      if (step.redirect && step.frontchannel.length === 0) return c.redirect(step.redirect, 303);
      return sendPage(c, (page) => <SignedOutPage page={page} frames={step.frontchannel} next={step.redirect} />, {
        script: step.redirect !== null,
        frameSrc: [...new Set(step.frontchannel.map(cspSourceOf))],
      });
    }
  }
}

logoutRoutes.on(['GET', 'POST'], '/', async (c) => {
  const services = c.get('services');
  const params = c.req.method === 'POST' ? await readForm(c, services.config.maxBodyBytes) : readQuery(c);
  // RP-Initiated Logout §2: ui_locales, the pages' language.
  c.set('uiLocales', params.get('ui_locales'));
  const session = await readSession(c);
  const confirmed = c.req.method === 'POST' && params.get('decision') === 'logout';
  // The user's own confirmation (§2, §6): same-site, carrying the token only our page knows.
  if (confirmed && session) {
    checkSameOrigin(c);
    await checkCsrfToken(params, await logoutCsrfToken(c));
  }
  const step = await beginLogout({ request: logoutRequestOf(params), session, confirmed }, { ...services, requestId: c.get('requestId') });
  return render(c, step);
});

logoutRoutes.all('/', () => {
  throw new MethodNotAllowed('the end_session_endpoint accepts GET and POST (RP-Initiated Logout §2)', { headers: { Allow: 'GET, POST' } });
});
