import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import type { AppEnv } from '../../src/app-env';
import { requestInput } from '../../src/http/request-input';
import { ISSUER } from '../helpers/worker';

/** What Cloudflare puts in `request.cf.tlsClientAuth` for a presented certificate (workers-types IncomingRequestCfPropertiesTLSClientAuth). */
const PRESENTED = {
  certPresented: '1', certVerified: 'SUCCESS', certRevoked: '0',
  certIssuerDN: 'CN=ca.example', certSubjectDN: 'CN=rp.example', certIssuerDNRFC2253: 'CN=ca.example', certSubjectDNRFC2253: 'CN=rp.example',
  certIssuerDNLegacy: '/CN=ca.example', certSubjectDNLegacy: '/CN=rp.example', certSerial: '00936EACBE07F201DF', certIssuerSerial: '2489002934BDFEA34',
  certSKI: 'BB:AF', certIssuerSKI: 'CC:DE', certFingerprintSHA1: '6b9109f3', certFingerprintSHA256: 'acf77cf3',
  certNotBefore: 'Dec 22 19:39:00 2018 GMT', certNotAfter: 'Dec 22 19:39:00 2030 GMT',
};
const PLACEHOLDER = Object.fromEntries(Object.keys(PRESENTED).map((k) => [k, ''])) as Record<string, string>;
Object.assign(PLACEHOLDER, { certPresented: '0', certVerified: 'NONE', certRevoked: '0' });

async function inputOf(init: RequestInit & { cf?: unknown }) {
  const app = new Hono<AppEnv>();
  app.all('/', (c) => c.json({ ...requestInput(c), headers: Object.fromEntries(c.req.raw.headers) }));
  const res = await app.fetch(new Request(`${ISSUER}/?a=1`, init as RequestInit));
  return res.json<Record<string, unknown>>();
}

describe('requestInput: what protocol entry points see of the request (RFC 9449 §4.3, RFC 8705 §2)', () => {
  it('carries the method, the absolute URL and the headers', async () => {
    expect(await inputOf({ method: 'POST', headers: { dpop: 'x.y.z' } })).toMatchObject({ method: 'POST', url: `${ISSUER}/?a=1`, headers: { dpop: 'x.y.z' } });
  });

  it('carries the mTLS client certificate fields Cloudflare reports, without certPresented (RFC 8705 §2)', async () => {
    const { certPresented: _presented, ...certificate } = PRESENTED;
    expect((await inputOf({ cf: { tlsClientAuth: PRESENTED } })).clientCertificate).toEqual(certificate);
  });

  it('has no client certificate when none was presented (placeholder values) or mTLS is off', async () => {
    expect((await inputOf({ cf: { tlsClientAuth: PLACEHOLDER } })).clientCertificate).toBeUndefined();
    expect((await inputOf({})).clientCertificate).toBeUndefined();
  });
});
