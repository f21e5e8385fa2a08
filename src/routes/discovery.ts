import { Hono, type Context } from 'hono';
import type { AppEnv } from '../app-env';
import type { Config } from '../config';
import { cors } from '../middleware/cors';
import { serverMetadata } from '../oauth/discovery';
import { JWKS_STALE_WHILE_REVALIDATE } from '../oauth/key-schedule';

/** OpenID Connect Discovery 1.0 §4 and RFC 8414 §3, plus the JWK Set (RFC 7517 §5). */
export const discoveryRoutes = new Hono<AppEnv>();

/** The metadata changes only with the config (one per services), so it is serialized once per config; the key ring serializes its own JWK Set. */
const metadataJson = new WeakMap<Config, string>();

function serializedOnce<K extends object>(cache: WeakMap<K, string>, key: K, build: () => unknown): string {
  let json = cache.get(key);
  if (json === undefined) {
    json = JSON.stringify(build());
    cache.set(key, json);
  }
  return json;
}

/**
 * RFC 9396 §10 `authorization_details_types_supported`: the types of the API
 * registry (cached like the APIs themselves), appended to the serialized
 * static document; absent while no API registers a type.
 */
function withDetailTypes(json: string, types: string[]): string {
  if (types.length === 0) return json;
  return `${json.slice(0, -1)},"authorization_details_types_supported":${JSON.stringify(types)}}`;
}

async function metadata(c: Context<AppEnv>) {
  const { config, apis } = c.get('services');
  const json = withDetailTypes(serializedOnce(metadataJson, config, () => serverMetadata(config)), await apis.detailTypes());
  return c.body(json, 200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'public, max-age=300',
  });
}

/** Public documents: any origin may read them, preflight included (OpenID Connect Discovery §4, RFC 8414 §3). */
const publicDocument = cors({ origins: 'any', methods: ['GET'] });
discoveryRoutes.use('/.well-known/openid-configuration', publicDocument);
discoveryRoutes.use('/.well-known/oauth-authorization-server', publicDocument);
discoveryRoutes.use('/jwks', publicDocument);

discoveryRoutes.get('/.well-known/openid-configuration', metadata);
discoveryRoutes.get('/.well-known/oauth-authorization-server', metadata);

discoveryRoutes.get('/jwks', async (c) => {
  const { keys, config } = c.get('services');
  const ring = await keys.ring();
  // The key schedule (oauth/key-schedule.ts) publishes keys ahead and keeps them on for exactly this cache lifetime.
  return c.body(ring.jwksJson, 200, {
    'Content-Type': 'application/jwk-set+json',
    'Cache-Control': `public, max-age=${config.jwksMaxAge}, stale-while-revalidate=${JWKS_STALE_WHILE_REVALIDATE}`,
  });
});
