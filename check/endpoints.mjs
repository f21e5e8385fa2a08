// Discovery matches behaviour: every endpoint it advertises answers an
// unauthenticated probe the way that endpoint's RFC says, and the paths other
// providers use, when not advertised, answer 404.
import { request } from './http.mjs';
import { described, fail, pass, warn } from './result.mjs';

const RANDOM = () => crypto.randomUUID();
const PROBE_CLIENT = () => `portcullis-check-probe-${RANDOM()}`;

/**
 * How each advertised endpoint is probed without credentials and which
 * statuses are the right kind of answer. Anything else (404, 5xx, no answer)
 * fails: the document promises an endpoint that is not there.
 */
const PROBES = {
  authorization_endpoint: { method: 'GET', expect: [400], why: 'no parameters: an error page (RFC 6749 §4.1.2.1)' },
  token_endpoint: { method: 'POST', form: () => ({ grant_type: 'authorization_code', code: 'x', client_id: PROBE_CLIENT() }), expect: [400, 401], why: 'unknown client: invalid_client or invalid_request (RFC 6749 §5.2)' },
  userinfo_endpoint: { method: 'GET', expect: [401], why: 'no access token: 401 with WWW-Authenticate (RFC 6750 §3)' },
  jwks_uri: { method: 'GET', expect: [200], why: 'a public JWK Set (RFC 7517 §5)' },
  revocation_endpoint: { method: 'POST', form: () => ({ token: 'x', client_id: PROBE_CLIENT() }), expect: [400, 401], why: 'unknown client: RFC 7009 §2.2.1' },
  introspection_endpoint: { method: 'POST', form: () => ({ token: 'x', client_id: PROBE_CLIENT() }), expect: [400, 401], why: 'unknown client: RFC 7662 §2.3' },
  pushed_authorization_request_endpoint: { method: 'POST', form: () => ({ response_type: 'code', client_id: PROBE_CLIENT() }), expect: [400, 401], why: 'unknown client (RFC 9126 §2.3)' },
  end_session_endpoint: { method: 'GET', expect: [200, 302, 303, 400], why: 'a logout page or error (RP-Initiated Logout §2)' },
  check_session_iframe: { method: 'GET', expect: [200], why: 'the OP iframe page (Session Management §3.3)' },
  registration_endpoint: { method: 'POST', json: {}, expect: [400, 401, 403], why: 'empty metadata (RFC 7591 §3.2.2)' },
  device_authorization_endpoint: { method: 'POST', form: () => ({ client_id: PROBE_CLIENT() }), expect: [400, 401], why: 'unknown client (RFC 8628 §3.1)' },
  backchannel_authentication_endpoint: { method: 'POST', form: () => ({ client_id: PROBE_CLIENT() }), expect: [400, 401], why: 'unknown client (CIBA §7.1)' },
};

/** Paths other providers (Keycloak, oidc-provider, Auth0, Okta, Duende, Hydra) serve, by the metadata key that would advertise them. */
const FOREIGN_PATHS = [
  ['/oauth/token', 'POST'], ['/oauth/authorize', 'GET'], ['/oauth2/token', 'POST'], ['/oauth2/auth', 'GET'], ['/oauth2/authorize', 'GET'],
  ['/oauth2/v1/token', 'POST'], ['/oauth2/introspect', 'POST'], ['/oauth2/revoke', 'POST'], ['/connect/token', 'POST'], ['/connect/authorize', 'GET'],
  ['/connect/userinfo', 'GET'], ['/connect/endsession', 'GET'], ['/connect/register', 'POST'], ['/protocol/openid-connect/token', 'POST'],
  ['/protocol/openid-connect/auth', 'GET'], ['/token/introspection', 'POST'], ['/token/revocation', 'POST'], ['/session/end', 'GET'], ['/me', 'GET'],
  ['/reg', 'POST'], ['/register', 'POST'], ['/registration', 'POST'], ['/device_authorization', 'POST'], ['/oauth/device/code', 'POST'],
  ['/device/code', 'POST'], ['/backchannel', 'POST'], ['/bc-authorize', 'POST'], ['/request', 'POST'], ['/.well-known/webfinger', 'GET'],
];

/** One line per advertised endpoint (and one for any advertised URL off the issuer's origin). */
export async function checkAdvertised(issuer, meta) {
  const lines = [];
  const entries = Object.entries(meta).filter(([key, value]) => (key.endsWith('_endpoint') || key === 'jwks_uri' || key === 'check_session_iframe') && typeof value === 'string');
  const https = new URL(issuer).protocol === 'https:';
  await Promise.all(entries.map(async ([key, url]) => {
    const id = `discovery.${key}`;
    const title = `${key} answers as advertised`;
    let parsed;
    try {
      parsed = new URL(url);
    } catch {
      lines.push(fail(id, title, `${JSON.stringify(url)} is not a URL`));
      return;
    }
    if (https && parsed.protocol !== 'https:') {
      lines.push(fail(id, title, `${url} is not https although the issuer is`));
      return;
    }
    const probe = PROBES[key] ?? { method: 'GET', expect: null, why: 'any answer but 404 or 5xx' };
    const res = await request(url, { method: probe.method, form: probe.form?.(), json: probe.json });
    const ok = probe.expect ? probe.expect.includes(res.status) : res.status > 0 && res.status !== 404 && res.status < 500;
    const detail = `${probe.method} ${url} → ${described(res)}${ok ? '' : ` (expected ${probe.expect?.join(' or ') ?? 'an answer'}: ${probe.why})`}`;
    lines.push(ok ? pass(id, title, detail) : fail(id, title, detail));
  }));
  return lines.sort((a, b) => a.id.localeCompare(b.id));
}

/** RFC 8414 §3: the OAuth metadata of the same issuer names the same issuer and endpoints. */
export async function checkOAuthMetadata(issuer, meta) {
  const title = 'RFC 8414 metadata agrees with OpenID discovery';
  const res = await request(`${new URL(issuer).origin}/.well-known/oauth-authorization-server${new URL(issuer).pathname.replace(/\/$/, '')}`);
  if (res.status === 404) return warn('discovery.oauth_metadata', title, '/.well-known/oauth-authorization-server answers 404: OAuth-only clients (RFC 8414) cannot discover this server');
  if (res.status !== 200 || !res.json) return fail('discovery.oauth_metadata', title, `answered ${described(res)}`);
  const differ = ['issuer', 'token_endpoint', 'authorization_endpoint', 'jwks_uri', 'pushed_authorization_request_endpoint'].filter((k) => res.json[k] !== meta[k]);
  return differ.length ? fail('discovery.oauth_metadata', title, `differs in ${differ.join(', ')}`) : pass('discovery.oauth_metadata', title);
}

/** The foreign paths not advertised here: each must answer 404 (410 will do; 403 from a firewall is a warning). */
export async function checkUnadvertised(issuer, meta) {
  const base = issuer.replace(/\/$/, '');
  const advertised = new Set(Object.values(meta).filter((v) => typeof v === 'string' && v.startsWith('http')).map((v) => new URL(v).pathname));
  const answered = [];
  const walled = [];
  await Promise.all(FOREIGN_PATHS.filter(([path]) => !advertised.has(path)).map(async ([path, method]) => {
    const res = await request(`${base}${path}`, { method, form: method === 'POST' ? { client_id: PROBE_CLIENT() } : undefined });
    if (res.status === 404 || res.status === 410) return;
    (res.status === 403 ? walled : answered).push(`${method} ${path} → ${described(res)}`);
  }));
  const title = 'nothing unadvertised answers (other providers\' usual paths give 404)';
  if (answered.length) return fail('discovery.unadvertised', title, answered.sort().join('; '));
  if (walled.length) return warn('discovery.unadvertised', title, `403 (a firewall rule?) rather than 404: ${walled.sort().join('; ')}`);
  return pass('discovery.unadvertised', title, `${FOREIGN_PATHS.filter(([path]) => !advertised.has(path)).length} paths probed, all 404`);
}
