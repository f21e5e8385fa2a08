// The issuer identifier and its transport: discovery names the URL given
// (OpenID Connect Discovery 1.0 §4.3, RFC 8414 §3.3), over https with a sound
// certificate, and HSTS (RFC 6797) on the issuer's origin.
import tls from 'node:tls';
import { request } from './http.mjs';
import { fail, isLoopback, pass, skip, warn } from './result.mjs';

/** Days a certificate must still be valid before the check warns. */
const CERT_WARN_DAYS = 14;
/** HSTS max-age below this (180 days) is warned about: too short to survive a visit gap. */
const HSTS_MIN_SECONDS = 15_552_000;

/** The issuer lines; `discovery` is the fetched configuration response. */
export async function checkIssuer(issuer, discovery) {
  const lines = [];
  const named = discovery.json?.issuer;
  if (named === issuer) lines.push(pass('issuer.matches', 'discovery issuer equals the URL given', issuer));
  else if (typeof named === 'string' && named.replace(/\/$/, '') === issuer.replace(/\/$/, '')) {
    lines.push(warn('issuer.matches', 'discovery issuer equals the URL given', `discovery names "${named}", given "${issuer}": relying parties compare the issuer exactly (OIDC Discovery §4.3), configure them with "${named}"`));
  } else lines.push(fail('issuer.matches', 'discovery issuer equals the URL given', `discovery names ${JSON.stringify(named)}, given "${issuer}" (OIDC Discovery §4.3: they must be identical)`));

  const url = new URL(issuer);
  if (url.protocol === 'https:') lines.push(await checkTls(url));
  else if (isLoopback(issuer)) lines.push(warn('issuer.https', 'issuer uses https', `${url.protocol}//${url.host} is plain http on loopback: fine for a local server, never for a deployment`));
  else lines.push(fail('issuer.https', 'issuer uses https', `${issuer} is plain http: tokens and passwords would cross the network in clear (RFC 6749 §3.1, §10.9)`));
  if (url.search || url.hash) lines.push(fail('issuer.form', 'issuer has no query or fragment', `${issuer} (OIDC Discovery §3)`));

  if (url.protocol !== 'https:') lines.push(skip('issuer.hsts', 'Strict-Transport-Security on the issuer', 'not over https'));
  else lines.push(hsts(discovery.headers.get('strict-transport-security')));
  return lines;
}

function hsts(header) {
  const title = 'Strict-Transport-Security on the issuer';
  if (!header) return warn('issuer.hsts', title, 'no Strict-Transport-Security header: a first visit over http can be downgraded (RFC 6797). On Cloudflare: SSL/TLS → Edge Certificates → HSTS');
  const maxAge = Number(/max-age\s*=\s*"?(\d+)/i.exec(header)?.[1] ?? NaN);
  if (!(maxAge >= HSTS_MIN_SECONDS)) return warn('issuer.hsts', title, `"${header}": max-age below 180 days`);
  return pass('issuer.hsts', title, header);
}

/** The TLS handshake with the issuer's host: protocol version and how long the certificate has left. */
function checkTls(url) {
  const title = 'TLS: certificate valid, TLS 1.2 or newer';
  return new Promise((resolve) => {
    const socket = tls.connect({ host: url.hostname, port: Number(url.port || 443), servername: url.hostname, timeout: 10_000 }, () => {
      const cert = socket.getPeerCertificate();
      const protocol = socket.getProtocol();
      socket.end();
      const days = Math.floor((new Date(cert.valid_to).getTime() - Date.now()) / 86_400_000);
      const detail = `${protocol}, certificate for ${cert.subject?.CN ?? '?'} by ${cert.issuer?.O ?? cert.issuer?.CN ?? '?'}, ${days} days left`;
      if (!['TLSv1.2', 'TLSv1.3'].includes(protocol)) resolve(fail('issuer.https', title, detail));
      else if (days < CERT_WARN_DAYS) resolve(warn('issuer.https', title, `${detail}: renew soon`));
      else resolve(pass('issuer.https', title, detail));
    });
    socket.on('timeout', () => socket.destroy(new Error('TLS handshake timed out')));
    socket.on('error', (error) => resolve(fail('issuer.https', title, `${error.code ?? ''} ${error.message}`.trim())));
  });
}

/** GETs the discovery document of `issuer` (OIDC Discovery §4: issuer + /.well-known/openid-configuration). */
export function fetchDiscovery(issuer) {
  return request(`${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`, { headers: { accept: 'application/json' } });
}
