import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { authorization, fuzzRuns, headerValue, METHODS, queryString } from '../helpers/arbitraries';
import { checkFrontChannel, checkJson, DescriptionLog, send, type Sent } from '../helpers/arbitraries-checks';
import { authzParams } from '../helpers/par';
import { basic } from '../helpers/worker';

const PATHS = ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/jwks'];

describe('discovery and JWKS under bad input (OIDC Discovery §4, RFC 8414 §3; issue 4)', () => {
  it('answers GET with 200 whatever the query and headers, other methods with a JSON 404/405, never 5xx', async () => {
    const log = new DescriptionLog();
    const { seed, numRuns } = fuzzRuns(40);
    const request = fc.record({
      path: fc.constantFrom(...PATHS),
      method: fc.oneof({ weight: 3, arbitrary: fc.constant('GET') }, { weight: 2, arbitrary: fc.constantFrom(...METHODS) }),
      query: fc.oneof(fc.constant(''), queryString),
      auth: authorization,
      accept: fc.option(headerValue, { nil: undefined }),
      body: fc.option(headerValue, { nil: undefined }),
    });
    await fc.assert(
      fc.asyncProperty(request, async (gen) => {
        const sent: Sent = { method: gen.method, path: `${gen.path}${gen.query ? `?${gen.query}` : ''}`, headers: { authorization: gen.auth, accept: gen.accept }, body: gen.body };
        const { status } = await checkJson(await send(sent), sent, { errors: [], ok: [200], log });
        if (gen.method === 'GET') expect(status).toBe(200);
      }),
      { seed, numRuns },
    );
    console.log(log.summary('discovery'));
    expect(log.bad).toEqual([]);
  }, fuzzRuns(40).timeout);
});

/**
 * "Size limits on every body, header and JWT before parsing" (issue 4): one
 * probe each, answered with a clean 4xx (or served normally), never a 5xx.
 */
describe('size limits (issue 4; DESIGN.md: bodies are size-limited)', () => {
  let client: { client_id: string; client_secret?: string };
  beforeAll(async () => {
    client = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
  });
  const KiB = 1024;
  const log = new DescriptionLog();
  const json = (sent: Sent) => ({ errors: ['invalid_request', 'invalid_client', 'invalid_grant', 'invalid_token'], ok: [] as number[], log, sent });

  it('an Authorization header of 64 KiB is refused with a clean 4xx at /token, /userinfo and /admin', async () => {
    const huge = `Basic ${'A'.repeat(64 * KiB)}`;
    for (const [path, method, value] of [['/token', 'POST', huge], ['/userinfo', 'GET', `Bearer ${'A'.repeat(64 * KiB)}`], ['/admin/clients', 'GET', `Bearer ${'A'.repeat(64 * KiB)}`]] as const) {
      const sent: Sent = { method, path, headers: { authorization: value, 'content-type': 'application/x-www-form-urlencoded' }, body: method === 'POST' ? 'grant_type=client_credentials' : undefined };
      const res = await send(sent);
      const { status } = await checkJson(res, sent, json(sent));
      expect(status).toBeGreaterThanOrEqual(400);
    }
  });

  it('a cookie of 64 KiB at /authorize is an HTML answer, not a 5xx', async () => {
    const sent: Sent = {
      method: 'GET', path: `/authorize?${new URLSearchParams({ client_id: client.client_id, ...authzParams({ state: 's' }) })}`,
      headers: { cookie: `__Host-portcullis_session=${'A'.repeat(64 * KiB)}; __Host-portcullis_interaction=${'B'.repeat(64 * KiB)}` },
    };
    const { status } = await checkFrontChannel(await send(sent), sent, new Map([[client.client_id, ['https://rp.example/cb']]]), client.client_id);
    expect(status).toBeLessThan(500);
  });

  it('a 1 MiB JWT in a form is 413 at /par and /token before it is parsed', async () => {
    const jwt = `eyJhbGciOiJSUzI1NiJ9.${'A'.repeat(1024 * KiB)}.sig`;
    for (const [path, body] of [['/par', `client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=${jwt}`], ['/token', `grant_type=authorization_code&code=${jwt}`]] as const) {
      const sent: Sent = { method: 'POST', path, headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: path === '/token' ? basic(client.client_id, client.client_secret!) : undefined }, body };
      const res = await send(sent);
      const { status } = await checkJson(res, sent, json(sent));
      expect(status).toBe(413);
    }
  });

  it('a query string of 64 KiB at /authorize is an HTML error page, not a 5xx', async () => {
    const sent: Sent = { method: 'GET', path: `/authorize?client_id=${client.client_id}&state=${'s'.repeat(64 * KiB)}&${new URLSearchParams(authzParams())}`, headers: {} };
    const res = await send(sent);
    const { status, destination } = await checkFrontChannel(res, sent, new Map([[client.client_id, ['https://rp.example/cb']]]), client.client_id);
    // Either an error page or an error response to the registered redirect_uri; a 64 KiB state
    // must not be echoed into a Location header (servers and browsers cap headers at 8-64 KiB).
    expect(status === 303 || status >= 400, `status ${status}`).toBe(true);
    expect(destination?.length ?? 0, `Location of ${destination?.length} characters`).toBeLessThan(8 * KiB);
  });
});
