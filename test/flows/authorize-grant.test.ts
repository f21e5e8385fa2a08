import { describe, expect, it } from 'vitest';
import { sha256b64 } from '../../src/crypto/hash';
import { createUser, registerClient } from '../helpers/admin';
import { authorizeUrl, loginAndConsent, newBrowser, pushRequest } from '../helpers/interaction';
import { pkce } from '../helpers/rp';
import { grantStub, handleOf, sessionStub } from '../helpers/storage-keys';

const REDIRECT = 'https://rp.example/cb';

/**
 * Redeems a code straight at its Grant object, as /token will, to read what
 * /authorize recorded. Like /token it says that it sent the redirect_uri
 * (RFC 6749 §4.1.3: required once the authorization request named it).
 */
async function redeem(code: string, bindings: Record<string, string>) {
  const [handle, secret] = code.split('.') as [string, string];
  const stub = grantStub(handle);
  const now = Math.floor(Date.now() / 1000);
  const presented = { redirect_uri_sent: 'true', ...bindings };
  const result = await stub.redeemCode({ code_hash: await sha256b64(secret), presented, now, expires_at: now + 600 });
  if (!result.ok) throw new Error(`redeem failed: ${result.reason}`);
  return { handle, data: (result as unknown as { data: Record<string, unknown> & { sid: string } }).data };
}

describe('what an issued code carries (RFC 6749 §4.1.2, OpenID Connect Core §2, §3.1.2.1)', () => {
  it('records sub, sid, auth_time, amr, acr, nonce, claims and require_auth_time in the grant (OIDC Core §2, §5.5)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const user = await createUser();
    const { code_verifier, code_challenge } = await pkce();
    const claims = JSON.stringify({ id_token: { auth_time: { essential: true } } });
    const request_uri = await pushRequest(reg, {
      response_type: 'code', redirect_uri: REDIRECT, scope: 'openid profile', state: 's', nonce: 'nonce-1',
      code_challenge, code_challenge_method: 'S256', claims,
    });
    const before = Math.floor(Date.now() / 1000);
    const cb = await loginAndConsent(authorizeUrl({ client_id: reg.client_id, request_uri }), user, { browser: newBrowser() });
    const { handle, data } = await redeem(cb.params.get('code')!, { client_id: reg.client_id, redirect_uri: REDIRECT, pkce: await sha256b64(code_verifier) });
    // The code lives in the grant named by the request_uri handle (DESIGN.md).
    expect(handle).toBe(handleOf(request_uri));
    expect(data).toMatchObject({
      client_id: reg.client_id, sub: user.sub, scope: 'openid profile', redirect_uri: REDIRECT, nonce: 'nonce-1',
      amr: ['pwd'], acr: 'urn:portcullis:acr:pwd', claims, require_auth_time: true,
    });
    expect(data.auth_time).toBeGreaterThanOrEqual(before);
    expect(data.sid).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('notes the client and grant in the session for logout fan-out (OIDC Back-Channel Logout §2)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const user = await createUser();
    const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 's' });
    const cb = await loginAndConsent(authorizeUrl({ client_id: reg.client_id, request_uri }), user);
    const { sid } = (await redeem(cb.params.get('code')!, { client_id: reg.client_id, redirect_uri: REDIRECT, pkce: 'none' })).data;
    const session = await sessionStub(sid).get({ now: Math.floor(Date.now() / 1000) });
    expect(session?.sub).toBe(user.sub);
    expect(session?.clients[reg.client_id]).toEqual([handleOf(request_uri)]);
  });

  it('never puts the session cookie secret in the code or the sid (the sid is a hash of it)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const user = await createUser();
    const browser = newBrowser();
    const request_uri = await pushRequest(reg, { response_type: 'code', redirect_uri: REDIRECT, scope: 'openid', state: 's' });
    const cb = await loginAndConsent(authorizeUrl({ client_id: reg.client_id, request_uri }), user, { browser });
    const { data } = await redeem(cb.params.get('code')!, { client_id: reg.client_id, redirect_uri: REDIRECT, pkce: 'none' });
    const secret = browser.cookies.get('__Host-portcullis_session')!;
    expect(data.sid).toBe(await sha256b64(secret));
    expect(cb.url.href).not.toContain(secret);
  });
});
