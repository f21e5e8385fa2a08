import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { expectErrorPage } from '../helpers/errors';
import { callWith } from '../helpers/faults';
import { authorizeUrl, pushRequest } from '../helpers/interaction';
import { authzParams } from '../helpers/par';
import { testEnv } from '../helpers/worker';
import { missingOnce } from '../helpers/kv-miss';

/**
 * A pushed request is written where the client's backend is and read where
 * the browser is; a first read there can still miss (Cloudflare KV). /authorize
 * reads once more after a short wait before answering invalid_request_uri
 * (RFC 9126 §4). The store below is the real local KV whose first read misses.
 */
describe('/authorize re-reads a pushed request once after a miss (RFC 9126 §4)', () => {
  it('serves a pushed request whose first read missed', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const request_uri = await pushRequest(reg, authzParams({ state: 'late' }));
    const flaky = missingOnce(testEnv.PAR_KV);
    const res = await callWith({ PAR_KV: flaky.kv })(String(authorizeUrl({ client_id: reg.client_id, request_uri })), { headers: { 'cf-connecting-ip': '198.51.100.7' } });
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('name="password"');
    expect(flaky.gets()).toBe(2);
  });

  it('still answers a genuinely unknown request_uri with invalid_request_uri, after exactly one re-read', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const flaky = missingOnce(testEnv.PAR_KV);
    const url = authorizeUrl({ client_id: reg.client_id, request_uri: `urn:ietf:params:oauth:request_uri:${'Q'.repeat(43)}` });
    expect(await expectErrorPage(await callWith({ PAR_KV: flaky.kv })(String(url)))).toBe('invalid_request_uri');
    expect(flaky.gets()).toBe(2);
  });
});
