import { describe, expect, it } from 'vitest';
import { adminRequest, createUser, registerClient, type RegisteredClient } from '../helpers/admin';
import { errorOf } from '../helpers/errors';
import { clientPost, introspect, redeem, refresh, signIn, silentAuthorize, userinfo } from '../helpers/lifecycle';
import { announceSecret } from '../helpers/secrets';
import { testEnv, unique } from '../helpers/worker';

/**
 * Deleting a client (DESIGN.md "What logout ends": "deleting a client revokes
 * its grants, and a re-registered client_id inherits nothing"; issue 10 "What
 * ends what"), end to end over HTTP.
 */
const METADATA = { token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'] };
const confidential = (client_id = unique('client')) => registerClient({ ...METADATA, client_id });
const deleteClient = (client_id: string) => adminRequest('DELETE', `/clients/${client_id}`);

/** Deletes `client` and registers its client_id again: same metadata, a new secret. */
async function reRegister(client: RegisteredClient): Promise<RegisteredClient> {
  expect((await deleteClient(client.client_id)).status).toBe(204);
  return confidential(client.client_id);
}

describe('deleting a client revokes its grants (DESIGN.md "What logout ends")', () => {
  it('an access token of a deleted client is refused at /userinfo with invalid_token (RFC 6750 §3.1)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const tokens = await redeem(client, await signIn(client, user));
    expect((await userinfo(tokens.access_token)).status).toBe(200);
    expect((await deleteClient(client.client_id)).status).toBe(204);
    const res = await userinfo(tokens.access_token);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('a re-registered client_id inherits no access token: introspection answers active false (RFC 7662 §2.2)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const tokens = await redeem(client, await signIn(client, user, { scope: 'openid offline_access' }));
    const again = await reRegister(client);
    expect(await introspect(again, tokens.access_token)).toEqual({ active: false });
    expect(await introspect(again, tokens.refresh_token!)).toEqual({ active: false });
  });

  it('a re-registered client_id inherits no refresh token: invalid_grant (RFC 6749 §5.2)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const tokens = await redeem(client, await signIn(client, user, { scope: 'openid offline_access' }));
    const again = await reRegister(client);
    expect(await errorOf(await refresh(again, tokens.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('a re-registered client_id inherits no pending code: invalid_grant (RFC 6749 §5.2)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const pending = await signIn(client, user);
    const again = await reRegister(client);
    const res = await clientPost('/token', again, {
      grant_type: 'authorization_code', code: pending.code, redirect_uri: 'https://rp.example/cb', code_verifier: pending.code_verifier,
    });
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('a re-registered client_id inherits no consent: prompt=none answers consent_required (OpenID Connect Core §3.1.2.6)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    const { browser } = await signIn(client, user);
    expect((await silentAuthorize(client, browser)).params.get('code')).toBeTruthy();
    const again = await reRegister(client);
    expect((await silentAuthorize(again, browser)).params.get('error')).toBe('consent_required');
    expect(await testEnv.DB.prepare('SELECT COUNT(*) AS n FROM consents WHERE client_id = ?').bind(client.client_id).first('n')).toBe(0);
  });

  it('a grant that slipped past the index is refused by the new registration of its client_id (registration instance, RFC 7591 §3.2.1)', async () => {
    const client = await confidential();
    // The first registration is older than the deletion, as in any real re-registration (client_id_issued_at is in seconds).
    await testEnv.DB.prepare('UPDATE clients SET client_id_issued_at = client_id_issued_at - 60 WHERE client_id = ?').bind(client.client_id).run();
    const user = await createUser();
    const tokens = await redeem(client, await signIn(client, user, { scope: 'openid offline_access' }));
    const pending = await signIn(client, user, { scope: 'openid offline_access' });
    // As if issued through another isolate's cached registration while the deletion ran: no index row.
    await testEnv.DB.prepare('DELETE FROM grants WHERE client_id = ?').bind(client.client_id).run();
    const again = await reRegister(client);
    expect(await errorOf(await refresh(again, tokens.refresh_token!))).toMatchObject({ status: 400, error: 'invalid_grant' });
    expect(await introspect(again, tokens.access_token)).toEqual({ active: false });
    const res = await clientPost('/token', again, {
      grant_type: 'authorization_code', code: pending.code, redirect_uri: 'https://rp.example/cb', code_verifier: pending.code_verifier,
    });
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_grant' });
  });

  it('a re-registered client_id starts clean and works: a new sign-in gets tokens that refresh (RFC 6749 §6)', async () => {
    const [client, user] = await Promise.all([confidential(), createUser()]);
    await redeem(client, await signIn(client, user));
    const again = await reRegister(client);
    const tokens = await redeem(again, await signIn(again, user, { scope: 'openid offline_access' }));
    const res = await refresh(again, tokens.refresh_token!);
    expect(res.status).toBe(200);
    announceSecret((await res.json<{ refresh_token: string }>()).refresh_token);
  });

  it('deleting an unknown client is 404 not_found', async () => {
    expect(await errorOf(await deleteClient(unique('nobody')))).toMatchObject({ status: 404, error: 'not_found' });
  });
});
