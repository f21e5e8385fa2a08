import { describe, expect, it } from 'vitest';
import { adminRequest, registerClient } from '../helpers/admin';
import { codeRequest, confidential, honestCode, honestTokens, postBasic, publicClient, publicTokens, REDIRECT, refreshBasic, userinfoStatus } from '../helpers/attack';
import { pkce } from '../helpers/rp';
import { basic, call, form } from '../helpers/worker';
import { expectJsonError } from '../helpers/errors';

/**
 * Attack catalogue: client impersonation (RFC 6749 §10.1,
 * §10.2; RFC 9700 §2.5) and refresh token theft and replay (RFC 9700 §4.14,
 * RFC 6749 §10.4; OpenID Connect Core §12).
 */

function refreshPublic(client_id: string, refresh_token: string, extra: Record<string, string> = {}): Promise<Response> {
  return call('/token', form({ grant_type: 'refresh_token', client_id, refresh_token, ...extra }));
}

describe('client impersonation (RFC 6749 §10.1, §10.2)', () => {
  it('RFC 6749 §10.2 — a confidential client\'s id used as if it were public (no secret) is 401 invalid_client at /par', async () => {
    const victim = await confidential();
    const res = await call('/par', form({ client_id: victim.client_id, ...codeRequest((await pkce()).code_challenge) }));
    expect(await expectJsonError(res, 401)).toBe('invalid_client');
  });

  it('RFC 6749 §10.2 — a confidential client\'s code redeemed with auth method none is 401 invalid_client, and the code survives', async () => {
    const victim = await confidential();
    const flow = await honestCode(victim);
    const res = await call('/token', form({ grant_type: 'authorization_code', client_id: victim.client_id, code: flow.code, code_verifier: flow.code_verifier, redirect_uri: REDIRECT }));
    expect(await expectJsonError(res, 401)).toBe('invalid_client');
    expect((await postBasic('/token', { grant_type: 'authorization_code', code: flow.code, code_verifier: flow.code_verifier, redirect_uri: REDIRECT }, victim)).status).toBe(200);
  });

  it('RFC 6749 §10.6 — a public client naming a confidential client\'s redirect_uri it did not register is refused at /par', async () => {
    await confidential({ redirect_uris: ['https://bank.example/cb'] });
    const attacker = await publicClient();
    const res = await call('/par', form({ client_id: attacker.client_id, ...codeRequest((await pkce()).code_challenge, { redirect_uri: 'https://bank.example/cb' }) }));
    expect(await expectJsonError(res, 400)).toBe('invalid_request');
  });

  it('RFC 6749 §4.4 — a public client cannot use client_credentials: refused at registration or unauthorized_client at /token', async () => {
    const reg = await adminRequest('POST', '/clients', {
      client_id: `pub-cc-${crypto.randomUUID().slice(0, 8)}`, token_endpoint_auth_method: 'none', grant_types: ['client_credentials'], redirect_uris: [REDIRECT], scope: 'api',
    });
    if (reg.status === 201) {
      const { client_id } = (await reg.json()) as { client_id: string };
      expect(await expectJsonError(await call('/token', form({ grant_type: 'client_credentials', client_id })), 400)).toBe('unauthorized_client');
    } else {
      expect(await expectJsonError(reg, 400)).toBe('invalid_client_metadata');
    }
    const pub = await publicClient();
    expect(await expectJsonError(await call('/token', form({ grant_type: 'client_credentials', client_id: pub.client_id })), 400)).toBe('unauthorized_client');
  });

  it('RFC 6749 §2.3.1 — Basic with client A\'s id and client B\'s secret is 401 invalid_client with WWW-Authenticate: Basic', async () => {
    const a = await confidential({ grant_types: ['client_credentials'], scope: 'api' });
    const b = await confidential({ grant_types: ['client_credentials'], scope: 'api' });
    const res = await call('/token', { ...form({ grant_type: 'client_credentials' }), headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(a.client_id, b.client_secret!) } });
    expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    expect(await expectJsonError(res, 401)).toBe('invalid_client');
  });

  it('RFC 6749 §2.3.1 — an unknown client_id with any secret is 401 invalid_client, like a wrong secret (no oracle)', async () => {
    const res = await postBasic('/token', { grant_type: 'client_credentials' }, { client_id: `ghost-${crypto.randomUUID()}`, client_secret: 'x' });
    expect(await expectJsonError(res, 401)).toBe('invalid_client');
  });

  it('OIDC Registration §2 — the right secret sent by client_secret_post for a client_secret_basic client is 401 invalid_client', async () => {
    const a = await confidential({ grant_types: ['client_credentials'], scope: 'api' });
    const res = await call('/token', form({ grant_type: 'client_credentials', client_id: a.client_id, client_secret: a.client_secret! }));
    expect(await expectJsonError(res, 401)).toBe('invalid_client');
  });

  it('RFC 6749 §2.3 — Basic for client A plus client_secret_post for client B in one request is invalid_request', async () => {
    const a = await confidential();
    const b = await confidential({ token_endpoint_auth_method: 'client_secret_post' });
    const res = await postBasic('/token', { grant_type: 'client_credentials', client_id: b.client_id, client_secret: b.client_secret! }, a);
    expect(await expectJsonError(res, 400)).toBe('invalid_request');
  });
});

describe('refresh token theft and replay (RFC 9700 §4.14, RFC 6749 §10.4)', () => {
  it('RFC 9700 §4.14 — another client using a stolen refresh token is refused and the whole family is revoked (oidcc-refresh-token)', async () => {
    const owner = await confidential();
    const thief = await confidential();
    const { tokens } = await honestTokens(owner);
    expect(await expectJsonError(await refreshBasic(thief, tokens.refresh_token!), 400)).toBe('invalid_grant');
    // Server policy: presentation by another client is treated as theft; the grant is revoked for everyone.
    expect(await expectJsonError(await refreshBasic(owner, tokens.refresh_token!), 400)).toBe('invalid_grant');
    expect(await userinfoStatus(tokens.access_token)).toBe(401);
  });

  it('RFC 9700 §4.14.2 — a stolen refresh token sent by another client WITH a scope is refused and revokes the family too', async () => {
    const owner = await confidential();
    const thief = await confidential();
    const { tokens } = await honestTokens(owner);
    expect(await expectJsonError(await refreshBasic(thief, tokens.refresh_token!, { scope: 'openid' }), 400)).toBe('invalid_grant');
    expect(await expectJsonError(await refreshBasic(owner, tokens.refresh_token!), 400)).toBe('invalid_grant');
  });

  it('RFC 9700 §4.14 — a public client\'s refresh token is refused to a confidential client (client binding)', async () => {
    const pub = await publicClient();
    const thief = await confidential();
    const { tokens } = await publicTokens(pub);
    expect(await expectJsonError(await refreshBasic(thief, tokens.refresh_token!), 400)).toBe('invalid_grant');
  });

  it('RFC 9700 §4.14.2 — reuse of a rotated refresh token by a public client revokes the family: the newest token and the access tokens die', async () => {
    const pub = await publicClient();
    const { tokens } = await publicTokens(pub);
    const rotated = await refreshPublic(pub.client_id, tokens.refresh_token!);
    expect(rotated.status).toBe(200);
    const next = (await rotated.json()) as { refresh_token: string; access_token: string };
    expect(next.refresh_token).not.toBe(tokens.refresh_token);

    // The attacker (or the victim) replays the old token: refused, and the family is gone.
    expect(await expectJsonError(await refreshPublic(pub.client_id, tokens.refresh_token!), 400)).toBe('invalid_grant');
    expect(await expectJsonError(await refreshPublic(pub.client_id, next.refresh_token), 400)).toBe('invalid_grant');
    expect(await userinfoStatus(next.access_token)).toBe(401);
    expect(await userinfoStatus(tokens.access_token)).toBe(401);
  });

  it('RFC 6749 §6 — scope widening at refresh is invalid_scope and does not spend the token (oidcc-refresh-token)', async () => {
    const reg = await registerClient({
      token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'], scope: 'openid profile email offline_access',
    });
    const { tokens } = await honestTokens(reg, { scope: 'openid offline_access' });
    expect(await expectJsonError(await refreshBasic(reg, tokens.refresh_token!, { scope: 'openid offline_access email' }), 400)).toBe('invalid_scope');
    const ok = await refreshBasic(reg, tokens.refresh_token!);
    expect(ok.status).toBe(200);
    expect(((await ok.json()) as { scope: string }).scope).toBe('openid offline_access');
  });

  it('RFC 7009 §2.1 — a revoked refresh token is invalid_grant and its access token is dead', async () => {
    const reg = await confidential();
    const { tokens } = await honestTokens(reg);
    expect((await postBasic('/revoke', { token: tokens.refresh_token! }, reg)).status).toBe(200);
    expect(await expectJsonError(await refreshBasic(reg, tokens.refresh_token!), 400)).toBe('invalid_grant');
    expect(await userinfoStatus(tokens.access_token)).toBe(401);
  });

  it('RFC 7009 §2.1 — another client cannot revoke a victim\'s refresh token (200, but nothing changes)', async () => {
    const owner = await confidential();
    const other = await confidential();
    const { tokens } = await honestTokens(owner);
    expect((await postBasic('/revoke', { token: tokens.refresh_token! }, other)).status).toBe(200);
    expect((await refreshBasic(owner, tokens.refresh_token!)).status).toBe(200);
  });

  it('RFC 6749 §10.10 — a guessed refresh token whose handle is a real grant but whose secret is random is invalid_grant', async () => {
    const reg = await confidential();
    const { tokens } = await honestTokens(reg);
    const [handle] = tokens.refresh_token!.split('.');
    expect(await expectJsonError(await refreshBasic(reg, `${handle}.${'A'.repeat(43)}`), 400)).toBe('invalid_grant');
    expect((await refreshBasic(reg, tokens.refresh_token!)).status).toBe(200);
  });
});
