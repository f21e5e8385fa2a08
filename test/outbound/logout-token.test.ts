import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { BACKCHANNEL_LOGOUT_EVENT, issueLogoutToken } from '../../src/oauth/logout-token';
import { LOCAL_ISSUER, rpClient, services, verifyLogoutToken } from './helpers';

describe('logout token (OpenID Connect Back-Channel Logout 1.0 §2.4)', () => {
  it('carries exactly iss, sub, aud, iat, exp, jti, events and sid, typed logout+jwt and signed with the client ID token alg (§2.4)', async () => {
    const client = await rpClient('ok', { id_token_signed_response_alg: 'ES256' });
    const s = services();
    const token = await issueLogoutToken({ client_id: client.client_id, alg: 'ES256', sub: 'user-1', sid: 'session-1' }, s);
    const { payload, header } = await verifyLogoutToken(token, client.client_id);
    expect(header.typ).toBe('logout+jwt');
    expect(header.alg).toBe('ES256');
    expect(typeof header.kid).toBe('string');
    expect(Object.keys(payload).sort()).toEqual(['aud', 'events', 'exp', 'iat', 'iss', 'jti', 'sid', 'sub']);
    expect(payload).toMatchObject({ iss: LOCAL_ISSUER, aud: client.client_id, sub: 'user-1', sid: 'session-1', events: { [BACKCHANNEL_LOGOUT_EVENT]: {} } });
    expect(payload.exp! - payload.iat!).toBe(120);
    expect(payload.jti).toMatch(/^[A-Za-z0-9_-]{22,}$/);
  });

  it('never carries a nonce, and carries sub without sid when no session is known (§2.4: sub and/or sid)', async () => {
    const client = await rpClient('ok');
    const token = await issueLogoutToken({ client_id: client.client_id, alg: 'RS256', sub: 'user-2' }, services());
    const { payload, header } = await verifyLogoutToken(token, client.client_id);
    expect(header.alg).toBe('RS256');
    expect(payload).not.toHaveProperty('nonce');
    expect(payload).not.toHaveProperty('sid');
    expect(payload.sub).toBe('user-2');
  });

  it('gets a fresh jti on each issue (§2.4: jti unique per token)', async () => {
    const s = services();
    const a = decodeJwt(await issueLogoutToken({ client_id: 'c', alg: 'RS256', sub: 'u', sid: 's' }, s));
    const b = decodeJwt(await issueLogoutToken({ client_id: 'c', alg: 'RS256', sub: 'u', sid: 's' }, s));
    expect(a.jti).not.toBe(b.jti);
  });
});
