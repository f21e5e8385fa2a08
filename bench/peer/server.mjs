// Child process: panva's oidc-provider on Node with PAR, the peer we compare
// against. Same clients as the Worker bench (client_secret_basic and
// private_key_jwt), an unbounded in-memory adapter, no interaction needed for
// PAR. `/__bench/codes` mints authorization codes directly through the
// provider's models (Grant + AuthorizationCode), outside any measured window.
//
// usage: node bench/peer/server.mjs <port>   env: PEER_CONFIG (JSON, see run.mjs)
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import Provider from 'oidc-provider';

const port = Number(process.argv[2]);
const cfg = JSON.parse(process.env.PEER_CONFIG);
const issuer = `http://127.0.0.1:${port}`;
const version = createRequire(import.meta.url)('oidc-provider/package.json').version;

const users = { [cfg.user.sub]: cfg.user.claims };

// oidc-provider's bundled MemoryAdapter is an LRU of 1000 entries: under load
// it evicts codes and tokens still in use. This one is an unbounded Map with
// lazy expiry (the cheapest possible storage, like the node:http floor's Map).
const stores = new Map();
const grantIndex = new Map();
class MapAdapter {
  constructor(name) {
    this.name = name;
    if (!stores.has(name)) stores.set(name, new Map());
    this.store = stores.get(name);
  }
  async upsert(id, payload, expiresIn) {
    this.store.set(id, { payload, exp: expiresIn ? Date.now() + expiresIn * 1000 : Infinity });
    if (payload.grantId) {
      if (!grantIndex.has(payload.grantId)) grantIndex.set(payload.grantId, []);
      grantIndex.get(payload.grantId).push([this.store, id]);
    }
    if (payload.uid) this.store.set(`uid:${payload.uid}`, { payload: id, exp: Infinity });
  }
  async find(id) {
    const e = this.store.get(id);
    if (!e) return undefined;
    if (e.exp < Date.now()) {
      this.store.delete(id);
      return undefined;
    }
    return e.payload;
  }
  async findByUid(uid) {
    const id = this.store.get(`uid:${uid}`)?.payload;
    return id && this.find(id);
  }
  async findByUserCode() {
    return undefined;
  }
  async consume(id) {
    const e = this.store.get(id);
    if (e) e.payload.consumed = Math.floor(Date.now() / 1000);
  }
  async destroy(id) {
    this.store.delete(id);
  }
  async revokeByGrantId(grantId) {
    for (const [store, id] of grantIndex.get(grantId) ?? []) store.delete(id);
    grantIndex.delete(grantId);
  }
}

const provider = new Provider(issuer, {
  adapter: MapAdapter,
  clients: [
    {
      client_id: cfg.basic.client_id, client_secret: cfg.basic.client_secret, token_endpoint_auth_method: 'client_secret_basic',
      redirect_uris: [cfg.redirect_uri], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'],
      scope: 'openid profile email offline_access', id_token_signed_response_alg: 'RS256',
    },
    {
      client_id: cfg.pkjwt.client_id, token_endpoint_auth_method: 'private_key_jwt', token_endpoint_auth_signing_alg: 'ES256',
      jwks: { keys: [cfg.pkjwt.public_jwk] }, redirect_uris: [cfg.redirect_uri], grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'], scope: 'openid profile email offline_access',
    },
  ],
  jwks: { keys: cfg.signing_keys },
  cookies: { keys: ['bench-cookie-key-0123456789abcdef'] },
  features: {
    pushedAuthorizationRequests: { enabled: true },
    introspection: { enabled: true },
    revocation: { enabled: true },
    devInteractions: { enabled: true },
  },
  pkce: { required: () => true },
  scopes: ['openid', 'profile', 'email', 'offline_access'],
  claims: { openid: ['sub'], profile: ['name', 'given_name', 'family_name'], email: ['email', 'email_verified'] },
  async findAccount(ctx, sub) {
    const claims = users[sub];
    return claims && { accountId: sub, async claims() { return { sub, ...claims }; } };
  },
  // Mirror Portcullis: refresh tokens for offline_access; rotate every time.
  rotateRefreshToken: () => true,
  issueRefreshToken: async (ctx, client, code) => client.grantTypeAllowed('refresh_token') && code.scopes.has('offline_access'),
});
provider.proxy = false;

async function mintCodes(n, clientId, challenge) {
  const client = await provider.Client.find(clientId);
  const codes = [];
  for (let i = 0; i < n; i++) {
    const grant = new provider.Grant({ accountId: cfg.user.sub, clientId });
    grant.addOIDCScope('openid profile email offline_access');
    const grantId = await grant.save();
    const code = new provider.AuthorizationCode({
      accountId: cfg.user.sub, client, grantId, scope: 'openid profile email offline_access', redirectUri: cfg.redirect_uri,
      codeChallenge: challenge, codeChallengeMethod: 'S256', authTime: Math.floor(Date.now() / 1000), acr: '0',
    });
    codes.push(await code.save());
  }
  return codes;
}

const callback = provider.callback();
const server = createServer(async (req, res) => {
  if (req.url.startsWith('/__bench/codes')) {
    const q = new URL(req.url, issuer).searchParams;
    const codes = await mintCodes(Math.min(Number(q.get('n')), 100_000), q.get('client_id'), q.get('challenge'));
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(codes));
    return;
  }
  callback(req, res);
});
server.keepAliveTimeout = 65_000;
server.listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: true, url: issuer, hostPid: process.pid, workerdPids: [], runtime: `oidc-provider ${version} on Node ${process.version}` }));
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
