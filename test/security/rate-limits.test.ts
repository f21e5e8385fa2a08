import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { callWith } from '../helpers/faults';
import { pkce } from '../helpers/rp';
import { basic, call, testEnv } from '../helpers/worker';

/**
 * Rate limits (issue 4; RFC 9700 §4.5 and NIST SP 800-63B §5.2.2 on online
 * guessing): 429 with Retry-After for the limited subject, nobody else affected.
 */
async function parParams() {
  return { response_type: 'code', redirect_uri: 'https://rp.example/cb', scope: 'openid', code_challenge_method: 'S256', code_challenge: (await pkce()).code_challenge };
}

function fetchPar(client: { client_id: string; client_secret?: string }, params: Record<string, string>): Promise<Response> {
  return call('/par', par(client.client_id, client.client_secret!, params));
}

function par(client_id: string, secret: string, params: Record<string, string>): RequestInit {
  return {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client_id, secret) },
    body: new URLSearchParams(params).toString(),
  };
}

describe('rate limits answer 429 with Retry-After, per subject', () => {
  it('failed client authentications: beyond CLIENT_AUTH_FAILURES that address gets 429, even with the right secret (RFC 9700 §4.5)', async () => {
    const victim = await registerClient();
    const bystander = await registerClient();
    const fetch = callWith({ CLIENT_AUTH_FAILURES: '3', CLIENT_AUTH_FAILURE_WINDOW: '300' });
    const from = (ip: string, init: RequestInit) => ({ ...init, headers: { ...(init.headers as Record<string, string>), 'cf-connecting-ip': ip } });
    const attacker = '203.0.113.7';
    const params = await parParams();
    for (let i = 0; i < 3; i++) expect((await fetch('/par', from(attacker, par(victim.client_id, 'wrong', params)))).status).toBe(401);
    const over = await fetch('/par', from(attacker, par(victim.client_id, 'wrong', params)));
    expect(over.status).toBe(429);
    expect(Number(over.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await over.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect((await fetch('/par', from(attacker, par(victim.client_id, victim.client_secret!, params)))).status).toBe(429);
    expect((await fetch('/par', from(attacker, par(bystander.client_id, bystander.client_secret!, params)))).status).toBe(201);
  });

  it('an attacker failing under a client_id cannot lock the real client out from its own address (availability)', async () => {
    const victim = await registerClient();
    const fetch = callWith({ CLIENT_AUTH_FAILURES: '2' });
    const from = (ip: string, init: RequestInit) => ({ ...init, headers: { ...(init.headers as Record<string, string>), 'cf-connecting-ip': ip } });
    for (let i = 0; i < 4; i++) await fetch('/par', from('203.0.113.8', par(victim.client_id, 'wrong', await parParams())));
    expect((await fetch('/par', from('198.51.100.20', par(victim.client_id, victim.client_secret!, await parParams())))).status).toBe(201);
  });

  it('successful client authentications are never counted', async () => {
    const client = await registerClient();
    const fetch = callWith({ CLIENT_AUTH_FAILURES: '2' });
    for (let i = 0; i < 5; i++) expect((await fetch('/par', par(client.client_id, client.client_secret!, await parParams()))).status).toBe(201);
  });

  it('pushed requests per client: beyond the PAR_RATE_LIMIT binding (600 per 60 s) the client gets 429, others are unaffected', async () => {
    const busy = await registerClient();
    const other = await registerClient();
    const binding = (testEnv as unknown as { PAR_RATE_LIMIT: RateLimit }).PAR_RATE_LIMIT;
    expect((await fetchPar(busy, await parParams())).status).toBe(201);
    // Spend the rest of busy's quota on the real local binding, as 599 more pushes would.
    let spent = 1;
    while ((await binding.limit({ key: busy.client_id })).success) spent++;
    expect(spent).toBe(600);
    const over = await fetchPar(busy, await parParams());
    expect(over.status).toBe(429);
    expect(over.headers.get('retry-after')).toBe('60');
    expect(await over.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect((await fetchPar(other, await parParams())).status).toBe(201);
  });

  it('the deployed configuration declares the PAR_RATE_LIMIT binding (wrangler.toml)', async () => {
    expect(typeof (testEnv as unknown as { PAR_RATE_LIMIT?: RateLimit }).PAR_RATE_LIMIT?.limit).toBe('function');
  });
});
