import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { sendPage } from '../http/browser-responses';
import { browserFacing, securityHeaders } from '../middleware/security-headers';
import { HomePage } from '../ui/home-page';

/** `/`: a small branded page linking to discovery, the JWK Set and (when on) the demo, instead of a 404. */
export const homeRoutes = new Hono<AppEnv>();

homeRoutes.use('/', securityHeaders, browserFacing);

homeRoutes.get('/', (c) => sendPage(c, (page) => <HomePage page={page} demo={c.get('services').config.demoClientSecret !== undefined} />));
