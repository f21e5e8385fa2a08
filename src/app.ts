import { Hono } from 'hono';
import type { AppEnv } from './app-env';
import { requestContext } from './middleware/context';
import { handleError } from './middleware/errors';
import { NotFound } from './oauth/errors';
import type { Hooks } from './oauth/hooks';
import { adminRoutes } from './routes/admin';
import { discoveryRoutes } from './routes/discovery';
import { parRoutes } from './routes/par';

export interface AppOptions {
  hooks?: Hooks;
}

/** Builds the Worker's HTTP app: global middleware, the endpoint routers, one error handler. */
export function createApp(options: AppOptions = {}) {
  const app = new Hono<AppEnv>();
  app.use('*', requestContext(options.hooks ?? {}));
  app.route('/', discoveryRoutes);
  app.route('/par', parRoutes);
  app.route('/admin', adminRoutes);
  app.notFound(() => {
    throw new NotFound('not found');
  });
  app.onError(handleError);
  return app;
}
