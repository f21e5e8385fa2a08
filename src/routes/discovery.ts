import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import { serverMetadata } from '../oauth/discovery';

/** OpenID Connect Discovery 1.0 §4 and RFC 8414 §3, plus the JWK Set (RFC 7517 §5). */
export const discoveryRoutes = new Hono<AppEnv>();

function metadata(c: Context<AppEnv>) {
  c.header('Cache-Control', 'public, max-age=300');
  c.header('Access-Control-Allow-Origin', '*');
  return c.json(serverMetadata(c.get('services').config, { authorize: true }));
}

discoveryRoutes.get('/.well-known/openid-configuration', metadata);
discoveryRoutes.get('/.well-known/oauth-authorization-server', metadata);

discoveryRoutes.get('/jwks', async (c) => {
  const ring = await c.get('services').keys.ring();
  c.header('Cache-Control', 'public, max-age=300, stale-while-revalidate=60');
  c.header('Access-Control-Allow-Origin', '*');
  return c.json({ keys: ring.publicKeys }, 200, { 'Content-Type': 'application/jwk-set+json' });
});
