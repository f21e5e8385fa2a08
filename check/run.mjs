// The self-check of a deployment (DESIGN.md contract 6): runs every check
// against `issuer` and returns its lines in a fixed order.
import { checkAdvertised, checkOAuthMetadata, checkUnadvertised } from './endpoints.mjs';
import { request } from './http.mjs';
import { checkIssuer, fetchDiscovery } from './issuer.mjs';
import { checkJwks } from './jwks.mjs';
import { pageHeaderProblems } from './page-headers.mjs';
import { checkPar } from './par.mjs';
import { described, fail, pass, skip } from './result.mjs';
import { checkRoundTrip } from './round-trip.mjs';

/**
 * All lines for `issuer`. Without discovery nothing else can be checked, so a
 * missing document is one fail line. `adminToken` enables the round trip.
 */
export async function runChecks(issuer, { adminToken } = {}) {
  const discovery = await fetchDiscovery(issuer);
  if (discovery.status !== 200 || typeof discovery.json !== 'object' || !discovery.json) {
    return [fail('discovery.document', 'discovery document served', `GET ${issuer.replace(/\/$/, '')}/.well-known/openid-configuration → ${described(discovery)}`)];
  }
  const meta = discovery.json;
  const lines = [pass('discovery.document', 'discovery document served', `${Object.keys(meta).length} members`)];
  lines.push(...await checkIssuer(issuer, discovery));
  lines.push(...await checkAdvertised(issuer, meta));
  lines.push(await checkOAuthMetadata(issuer, meta));
  lines.push(await checkUnadvertised(issuer, meta));
  lines.push(...await checkJwks(meta));
  lines.push(...await checkPar(meta));
  lines.push(await checkErrorPage(meta));
  if (!adminToken) lines.push(skip('roundtrip', 'PAR → login → token → userinfo → revoke round trip', 'no admin token: pass --admin-token or set PORTCULLIS_ADMIN_TOKEN'));
  else if (!meta.pushed_authorization_request_endpoint) lines.push(skip('roundtrip', 'PAR → login → token → userinfo → revoke round trip', 'no PAR endpoint advertised'));
  else lines.push(...await checkRoundTrip(issuer, meta, adminToken));
  return lines;
}

/** The page a browser sees at the authorization endpoint without a valid request: the one page reachable unauthenticated. */
async function checkErrorPage(meta) {
  const title = 'authorization error page security headers';
  if (!meta.authorization_endpoint) return skip('pages.error_headers', title, 'no authorization_endpoint');
  const res = await request(meta.authorization_endpoint, { headers: { accept: 'text/html' } });
  if (!res.status) return fail('pages.error_headers', title, described(res));
  const problems = pageHeaderProblems(res.headers);
  return problems.length ? fail('pages.error_headers', title, `GET ${meta.authorization_endpoint} (${res.status}): ${problems.join('; ')}`) : pass('pages.error_headers', title, 'frame-ancestors/X-Frame-Options, CSP, nosniff, Referrer-Policy, no-store');
}
