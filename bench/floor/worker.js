// The floor: a minimal Worker doing only the platform work of each endpoint,
// with the same bindings as Portcullis (wrangler.toml). Whatever Portcullis
// spends above this is protocol work (validation, routing, logging, hooks…).
//
//   POST /par         parse the form, constant-time secret check (Basic) or one
//                     ES256 verification + one REPLAY Durable Object call
//                     (private_key_jwt), 32 random bytes, one KV put, 201 JSON
//   POST /token       one Durable Object call and one ES256 signature
//   GET  /userinfo    one ES256 verification and one Durable Object call
//   POST /introspect  constant-time secret check and one Durable Object call
//   GET  /.well-known/openid-configuration, /jwks   static JSON
//
// vars: FLOOR_CLIENT_ID, FLOOR_SECRET_HASH (base64url SHA-256 of the secret),
//       FLOOR_SIGNING_JWK (ES256 private JWK), FLOOR_CLIENT_JWK (client's ES256 public JWK)
import { DurableObject } from 'cloudflare:workers';

const enc = new TextEncoder();
const b64u = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const fromB64u = (s) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));

let keys;
async function getKeys(env) {
  if (!keys) {
    const signing = JSON.parse(env.FLOOR_SIGNING_JWK);
    const { d: _d, ...publicJwk } = signing;
    keys = {
      sign: await crypto.subtle.importKey('jwk', signing, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign']),
      verifyOwn: await crypto.subtle.importKey('jwk', publicJwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']),
      verifyClient: await crypto.subtle.importKey('jwk', JSON.parse(env.FLOOR_CLIENT_JWK), { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']),
      secretHash: fromB64u(env.FLOOR_SECRET_HASH),
      kid: signing.kid,
      discovery: JSON.stringify(discovery(env.ISSUER)),
      jwks: JSON.stringify({ keys: [{ ...publicJwk, use: 'sig', alg: 'ES256' }] }),
    };
  }
  return keys;
}

function discovery(issuer) {
  return {
    issuer, authorization_endpoint: `${issuer}/authorize`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`,
    pushed_authorization_request_endpoint: `${issuer}/par`, userinfo_endpoint: `${issuer}/userinfo`,
    introspection_endpoint: `${issuer}/introspect`, response_types_supported: ['code'], subject_types_supported: ['public'],
    id_token_signing_alg_values_supported: ['ES256'], token_endpoint_auth_methods_supported: ['client_secret_basic', 'private_key_jwt'],
  };
}

async function secretOk(k, authorization) {
  const decoded = atob((authorization ?? '').slice(6));
  const colon = decoded.indexOf(':');
  const presented = new Uint8Array(await crypto.subtle.digest('SHA-256', enc.encode(decoded.slice(colon + 1))));
  return crypto.subtle.timingSafeEqual(presented, k.secretHash);
}

async function verifyJwt(key, jwt) {
  const [h, p, s] = jwt.split('.');
  const ok = await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, fromB64u(s), enc.encode(`${h}.${p}`));
  return ok ? JSON.parse(new TextDecoder().decode(fromB64u(p))) : null;
}

async function signJwt(k, payload) {
  const input = `${b64u(enc.encode(JSON.stringify({ alg: 'ES256', kid: k.kid, typ: 'JWT' })))}.${b64u(enc.encode(JSON.stringify(payload)))}`;
  const sig = new Uint8Array(await crypto.subtle.sign({ name: 'ECDSA', hash: 'SHA-256' }, k.sign, enc.encode(input)));
  return `${input}.${b64u(sig)}`;
}

const json = (body, status = 200) => new Response(typeof body === 'string' ? body : JSON.stringify(body), {
  status, headers: { 'content-type': 'application/json', 'cache-control': 'no-store' },
});
const denied = () => json({ error: 'invalid_client' }, 401);
const randomHandle = () => b64u(crypto.getRandomValues(new Uint8Array(32)));

export default {
  async fetch(request, env) {
    const k = await getKeys(env);
    const { pathname } = new URL(request.url);
    if (pathname === '/.well-known/openid-configuration') return json(k.discovery);
    if (pathname === '/jwks') return json(k.jwks);
    if (pathname === '/par' && request.method === 'POST') {
      const form = new URLSearchParams(await request.text());
      const assertion = form.get('client_assertion');
      if (assertion) {
        const claims = await verifyJwt(k.verifyClient, assertion);
        if (!claims) return denied();
        const fresh = await env.REPLAY.get(env.REPLAY.idFromName(`client:${claims.sub}`)).claim(claims.jti, claims.exp);
        if (!fresh) return denied();
      } else if (!(await secretOk(k, request.headers.get('authorization')))) return denied();
      const handle = randomHandle();
      await env.PAR_KV.put(`par:${handle}`, JSON.stringify(Object.fromEntries(form)), { expirationTtl: 60 });
      return json({ request_uri: `urn:ietf:params:oauth:request_uri:${handle}`, expires_in: 60 }, 201);
    }
    if (pathname === '/token' && request.method === 'POST') {
      const form = new URLSearchParams(await request.text());
      const handle = (form.get('code') ?? '').split('.')[0] || randomHandle();
      const now = Math.floor(Date.now() / 1000);
      const state = await env.GRANTS.get(env.GRANTS.idFromName(handle)).redeem(now);
      const access_token = await signJwt(k, { iss: env.ISSUER, sub: state.sub, aud: env.FLOOR_CLIENT_ID, iat: now, exp: now + 600, jti: randomHandle() });
      return json({ access_token, token_type: 'Bearer', expires_in: 600 });
    }
    if (pathname === '/userinfo') {
      const claims = await verifyJwt(k.verifyOwn, (request.headers.get('authorization') ?? '').slice(7));
      if (!claims) return json({ error: 'invalid_token' }, 401);
      const state = await env.GRANTS.get(env.GRANTS.idFromName(claims.sub)).status();
      return json({ sub: claims.sub, active: state.active });
    }
    if (pathname === '/introspect' && request.method === 'POST') {
      const form = new URLSearchParams(await request.text());
      if (!(await secretOk(k, request.headers.get('authorization')))) return denied();
      const state = await env.GRANTS.get(env.GRANTS.idFromName(form.get('token') ?? 'x')).status();
      return json({ active: state.active });
    }
    return json({ error: 'not_found' }, 404);
  },
};

/** One grant: a read and a write per state transition, like a single-use code. */
export class Grant extends DurableObject {
  async redeem(now) {
    const used = await this.ctx.storage.get('used');
    await this.ctx.storage.put('used', now);
    return { sub: 'floor-user', used: used !== undefined };
  }
  async status() {
    return { active: (await this.ctx.storage.get('used')) === undefined };
  }
}

/** jti single use: one SQLite check-and-insert. */
export class ReplayGuard extends DurableObject {
  constructor(ctx, env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS seen (id TEXT PRIMARY KEY, expires_at INTEGER NOT NULL)');
  }
  claim(id, expiresAt) {
    const sql = this.ctx.storage.sql;
    if (sql.exec('SELECT 1 FROM seen WHERE id = ?', id).toArray().length) return false;
    sql.exec('INSERT INTO seen (id, expires_at) VALUES (?, ?)', id, expiresAt);
    return true;
  }
}

export class Session extends DurableObject {}
export class KeyStore extends DurableObject {}
export class RateLimiter extends DurableObject {}
