import { Hono } from 'hono';
import type { AppEnv } from './app-env';
import { requestContext } from './middleware/context';
import { handleError } from './middleware/errors';
import { NotFound } from './oauth/errors';
import type { Hooks } from './oauth/hooks';
import { adminRoutes } from './routes/admin';
import { authorizeRoutes } from './routes/authorize';
import { checkSessionRoutes } from './routes/check-session';
import { demoRoutes } from './routes/demo';
import { discoveryRoutes } from './routes/discovery';
import { homeRoutes } from './routes/home';
import { interactionRoutes } from './routes/interaction';
import { introspectRoutes } from './routes/introspect';
import { logoutRoutes } from './routes/logout';
import { parRoutes } from './routes/par';
import { passwordResetRoutes } from './routes/password-reset';
import { revokeRoutes } from './routes/revoke';
import { tokenRoutes } from './routes/token';
import { userinfoRoutes } from './routes/userinfo';

export interface AppOptions {
  hooks?: Hooks;
}

/** Builds the Worker's HTTP app: global middleware, the endpoint routers, one error handler. */
export function createApp(options: AppOptions = {}) {
  const app = new Hono<AppEnv>();
  app.use('*', requestContext(options.hooks ?? {}));
  app.route('/', homeRoutes);
  app.route('/', discoveryRoutes);
  app.route('/par', parRoutes);
  app.route('/authorize', authorizeRoutes);
  app.route('/interaction', interactionRoutes);
  app.route('/token', tokenRoutes);
  app.route('/userinfo', userinfoRoutes);
  app.route('/revoke', revokeRoutes);
  app.route('/introspect', introspectRoutes);
  app.route('/logout', logoutRoutes);
  app.route('/session/check', checkSessionRoutes);
  app.route('/admin', adminRoutes);
  app.route('/password-reset', passwordResetRoutes);
  app.route('/demo', demoRoutes(() => app));
  app.notFound(() => {
    throw new NotFound('not found');
  });
  app.onError(handleError);
  return app;
}
