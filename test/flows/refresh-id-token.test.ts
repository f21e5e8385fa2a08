import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { registerClient } from '../helpers/admin';
import { issueCode } from '../helpers/grant';
import { appWith } from '../helpers/par';
import { basic, form } from '../helpers/worker';

/** `REFRESH_ID_TOKEN`: whether a refresh returns a new ID token, which OpenID Connect Core §12.2 leaves to the server. */
describe('ID token on refresh (OpenID Connect Core §12.2)', () => {
  async function refreshWith(settings: Record<string, string>) {
    const fetch = appWith(settings);
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic', grant_types: ['authorization_code', 'refresh_token'] });
    const headers = { authorization: basic(reg.client_id, reg.client_secret!) };
    const post = (params: Record<string, string>) => {
      const init = form(params);
      return fetch('/token', { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
    };
    const issued = await issueCode({ client_id: reg.client_id, scope: 'openid profile offline_access' });
    const first = (await (await post({ grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier })).json()) as Record<string, string>;
    const res = await post({ grant_type: 'refresh_token', refresh_token: first.refresh_token! });
    return { issued, first, status: res.status, body: (await res.json()) as Record<string, string> };
  }

  it('leaves the ID token out of a refresh response when REFRESH_ID_TOKEN=false, and still rotates the refresh token (OpenID Connect Core §12.2, RFC 6749 §6)', async () => {
    const { first, status, body } = await refreshWith({ REFRESH_ID_TOKEN: 'false' });
    expect(first.id_token).toBeTruthy();
    expect(status).toBe(200);
    expect(body.id_token).toBeUndefined();
    expect(body.scope).toBe('openid profile offline_access');
    expect(body.access_token).toBeTruthy();
    expect(body.refresh_token).not.toBe(first.refresh_token);
  });

  it('returns a new ID token without nonce on refresh by default (REFRESH_ID_TOKEN=true, OpenID Connect Core §12.2)', async () => {
    const { issued, status, body } = await refreshWith({ REFRESH_ID_TOKEN: 'true' });
    expect(status).toBe(200);
    const id = decodeJwt(body.id_token!);
    expect(id).toMatchObject({ sub: issued.sub, sid: issued.data.sid });
    expect(id.nonce).toBeUndefined();
  });
});
