// Child process: the peer's floor, a bare node:http handler doing only the
// platform work of each endpoint on Node (form parse, constant-time secret
// check or one ES256 verification + an in-memory jti check, 32 random bytes,
// one Map write standing in for oidc-provider's in-memory adapter, 201 JSON;
// token: one Map read/write and one ES256 signature; discovery/jwks: static JSON).
//
// usage: node bench/peer/floor.mjs <port>   env: PEER_CONFIG (JSON, see run.mjs)
import { createHash, createPrivateKey, createPublicKey, randomBytes, sign, timingSafeEqual, verify } from 'node:crypto';
import { createServer } from 'node:http';

const port = Number(process.argv[2]);
const cfg = JSON.parse(process.env.PEER_CONFIG);
const issuer = `http://127.0.0.1:${port}`;
const es256 = cfg.signing_keys.find((k) => k.alg === 'ES256');
const signingKey = createPrivateKey({ key: es256, format: 'jwk' });
const clientKey = createPublicKey({ key: cfg.pkjwt.public_jwk, format: 'jwk' });
const secretHash = createHash('sha256').update(cfg.basic.client_secret).digest();
const { d: _d, ...publicJwk } = es256;
const discovery = JSON.stringify({
  issuer, authorization_endpoint: `${issuer}/auth`, token_endpoint: `${issuer}/token`, jwks_uri: `${issuer}/jwks`,
  pushed_authorization_request_endpoint: `${issuer}/request`, response_types_supported: ['code'],
});
const jwks = JSON.stringify({ keys: [publicJwk] });
const store = new Map();
const seen = new Map();
const b64u = (b) => Buffer.from(b).toString('base64url');

function send(res, status, body) {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(body);
}

function readBody(req) {
  return new Promise((resolve) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });
}

function verifyAssertion(jwt) {
  const [h, p, s] = jwt.split('.');
  const ok = verify('sha256', Buffer.from(`${h}.${p}`), { key: clientKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(s, 'base64url'));
  if (!ok) return null;
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
  if (seen.has(claims.jti)) return null;
  seen.set(claims.jti, claims.exp);
  return claims;
}

function secretOk(authorization) {
  const decoded = Buffer.from((authorization ?? '').slice(6), 'base64').toString();
  const presented = createHash('sha256').update(decoded.slice(decoded.indexOf(':') + 1)).digest();
  return timingSafeEqual(presented, secretHash);
}

createServer(async (req, res) => {
  const path = req.url.split('?')[0];
  if (path === '/.well-known/openid-configuration') return send(res, 200, discovery);
  if (path === '/jwks') return send(res, 200, jwks);
  if (path === '/request' && req.method === 'POST') {
    const form = new URLSearchParams(await readBody(req));
    const assertion = form.get('client_assertion');
    if (assertion ? !verifyAssertion(assertion) : !secretOk(req.headers.authorization)) return send(res, 401, '{"error":"invalid_client"}');
    const handle = randomBytes(32).toString('base64url');
    store.set(handle, JSON.stringify(Object.fromEntries(form)));
    if (store.size > 200_000) store.clear();
    return send(res, 201, JSON.stringify({ request_uri: `urn:ietf:params:oauth:request_uri:${handle}`, expires_in: 60 }));
  }
  if (path === '/token' && req.method === 'POST') {
    const form = new URLSearchParams(await readBody(req));
    const code = form.get('code') ?? '';
    const used = store.get(code);
    store.set(code, 'used');
    const now = Math.floor(Date.now() / 1000);
    const input = `${b64u(JSON.stringify({ alg: 'ES256', kid: es256.kid, typ: 'JWT' }))}.${b64u(JSON.stringify({ iss: issuer, sub: 'u', iat: now, exp: now + 600, used: used !== undefined }))}`;
    const sig = sign('sha256', Buffer.from(input), { key: signingKey, dsaEncoding: 'ieee-p1363' });
    return send(res, 200, JSON.stringify({ access_token: `${input}.${b64u(sig)}`, token_type: 'Bearer', expires_in: 600 }));
  }
  send(res, 404, '{"error":"not_found"}');
}).listen(port, '127.0.0.1', () => {
  console.log(JSON.stringify({ ready: true, url: issuer, hostPid: process.pid, workerdPids: [], runtime: `node:http on Node ${process.version}` }));
});
process.on('SIGTERM', () => process.exit(0));
process.on('SIGINT', () => process.exit(0));
