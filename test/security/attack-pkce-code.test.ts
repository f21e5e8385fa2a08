import { fapiClient } from '../helpers/fapi';
import { describe, expect, it } from 'vitest';
import { createUser } from '../helpers/admin';
import { codeRequest, confidential, honestCode, honestTokens, postBasic, publicClient, REDIRECT, redeemBasic, refreshBasic, userinfoStatus } from '../helpers/attack';
import { issueCode } from '../helpers/grant';
import { authorizeUrl, loginAndConsent } from '../helpers/interaction';
import { parForm } from '../helpers/par';
import { pkce } from '../helpers/rp';
import { call, form } from '../helpers/worker';
import { expectJsonError } from '../helpers/errors';

/**
 * Attack catalogue: PKCE downgrade and misuse (RFC 7636, RFC 9700 §2.1.1,
 * §4.8), authorization code injection (RFC 9700 §4.5) and code replay
 * (RFC 6749 §4.1.2, RFC 9700 §4.2.4).
 */

async function introspectActive(client: { client_id: string; client_secret?: string }, token: string): Promise<boolean> {
  const res = await postBasic('/introspect', { token }, client);
  return ((await res.json()) as { active: boolean }).active;
}

describe('PKCE (RFC 7636, RFC 9700 §2.1.1, §4.8)', () => {
  it('RFC 9700 §4.8.2 — PKCE downgrade: a challenge sent at /par and no code_verifier at /token is invalid_grant (fapi2-security-profile-final-ensure-pkce-code-verifier-required)', async () => {
    const reg = await confidential();
    const flow = await honestCode(reg);
    expect(await expectJsonError(await redeemBasic(reg, flow.code, undefined), 400)).toBe('invalid_grant');
  });

  it('RFC 9700 §2.1.1 — code_challenge_method=plain is refused at /par (fapi2-security-profile-final-par-plain-pkce-rejected)', async () => {
    const reg = await confidential();
    const verifier = (await pkce()).code_verifier;
    const res = await postBasic('/par', codeRequest(verifier, { code_challenge_method: 'plain' }), reg);
    expect(await expectJsonError(res, 400)).toBe('invalid_request');
  });

  it('RFC 7636 §4.3 — a challenge without a method (which means plain) is refused at /par', async () => {
    const reg = await confidential();
    const { code_challenge_method: _m, ...params } = codeRequest((await pkce()).code_challenge);
    expect(await expectJsonError(await postBasic('/par', params, reg), 400)).toBe('invalid_request');
  });

  it('RFC 9700 §2.1.1 — a public client pushing without PKCE is refused at /par (fapi2-security-profile-final-par-ensure-pkce-required)', async () => {
    const reg = await publicClient();
    const res = await parForm({ client_id: reg.client_id, response_type: 'code', redirect_uri: REDIRECT, scope: 'openid' });
    expect(await expectJsonError(res, 400)).toBe('invalid_request');
  });

  it('FAPI 2.0 §5.3.2.2 — a fapi2-profile confidential client without PKCE is refused at /par', async () => {
    const c = await fapiClient();
    const res = await c.post({ response_type: 'code', redirect_uri: REDIRECT, scope: 'openid' });
    expect(await expectJsonError(res, 400)).toBe('invalid_request');
  });

  it('RFC 9700 §4.8.2 — a code_verifier sent for a code issued without a challenge is invalid_grant (PKCE downgrade detection)', async () => {
    const reg = await confidential();
    const issued = await issueCode({ client_id: reg.client_id, pkce: null });
    expect(await expectJsonError(await redeemBasic(reg, issued.code, (await pkce()).code_verifier), 400)).toBe('invalid_grant');
  });

  it('RFC 7636 §4.6 — a wrong code_verifier is invalid_grant (fapi2-security-profile-final-incorrect-pkce-code-verifier-rejected)', async () => {
    const reg = await confidential();
    const flow = await honestCode(reg);
    expect(await expectJsonError(await redeemBasic(reg, flow.code, (await pkce()).code_verifier), 400)).toBe('invalid_grant');
  });

  it('RFC 7636 §4.6 — the S256 challenge itself presented as the verifier (plain-style) is invalid_grant', async () => {
    const reg = await confidential();
    const user = await createUser();
    const { code_challenge } = await pkce();
    const request_uri = (await (await postBasic('/par', codeRequest(code_challenge), reg)).json() as { request_uri: string }).request_uri;
    const cb = await loginAndConsent(authorizeUrl({ client_id: reg.client_id, request_uri }), user);
    expect(await expectJsonError(await redeemBasic(reg, cb.params.get('code')!, code_challenge), 400)).toBe('invalid_grant');
  });

  it('RFC 9700 §4.5 — code injection: a code redeemed with the verifier of another flow of the same client is invalid_grant', async () => {
    const reg = await confidential();
    const attacker = await honestCode(reg);
    const victim = await honestCode(reg);
    // The attacker plants its own code in the victim's session; the victim's client sends the victim's verifier.
    expect(await expectJsonError(await redeemBasic(reg, attacker.code, victim.code_verifier), 400)).toBe('invalid_grant');
    expect(await expectJsonError(await redeemBasic(reg, victim.code, attacker.code_verifier), 400)).toBe('invalid_grant');
  });

  it('RFC 7636 §4.1 — a code_verifier outside the unreserved-character syntax is invalid_request', async () => {
    const reg = await confidential();
    const flow = await honestCode(reg);
    expect(await expectJsonError(await redeemBasic(reg, flow.code, `${flow.code_verifier}%`), 400)).toBe('invalid_request');
  });
});

describe('authorization code injection (RFC 9700 §4.5, RFC 6749 §4.1.3)', () => {
  it('RFC 6749 §4.1.3 — a code issued to client A and redeemed by client B is invalid_grant (fapi2-security-profile-final-ensure-authorization-code-is-bound-to-client)', async () => {
    const a = await confidential();
    const b = await confidential();
    const flow = await honestCode(a);
    expect(await expectJsonError(await redeemBasic(b, flow.code, flow.code_verifier), 400)).toBe('invalid_grant');
    // The refused attempt did not burn A's code.
    expect((await redeemBasic(a, flow.code, flow.code_verifier)).status).toBe(200);
  });

  it('RFC 6749 §4.1.3 — a public client redeeming a confidential client\'s code under the victim\'s client_id fails authentication (invalid_client)', async () => {
    const a = await confidential();
    const flow = await honestCode(a);
    const res = await call('/token', form({ grant_type: 'authorization_code', client_id: a.client_id, code: flow.code, code_verifier: flow.code_verifier, redirect_uri: REDIRECT }));
    expect(await expectJsonError(res, 401)).toBe('invalid_client');
  });

  it('RFC 6749 §3.2.1 — a body client_id naming another client beside Basic credentials is invalid_request (fapi2-security-profile-final-ensure-client-id-in-token-endpoint)', async () => {
    const a = await confidential();
    const b = await confidential();
    const flow = await honestCode(a);
    const res = await postBasic('/token', { grant_type: 'authorization_code', client_id: a.client_id, code: flow.code, code_verifier: flow.code_verifier, redirect_uri: REDIRECT }, b);
    expect(await expectJsonError(res, 400)).toBe('invalid_request');
  });

  it('RFC 6749 §10.10 — a guessed code (well-formed, random) is invalid_grant', async () => {
    const reg = await confidential();
    const guess = `${'A'.repeat(43)}.${'B'.repeat(43)}`;
    expect(await expectJsonError(await redeemBasic(reg, guess, (await pkce()).code_verifier), 400)).toBe('invalid_grant');
  });

  it('RFC 6749 §4.1.2 — an expired code is invalid_grant (fapi2-security-profile-final-ensure-token-endpoint-fails-with-expired-auth-code)', async () => {
    const reg = await confidential();
    const issued = await issueCode({ client_id: reg.client_id, clockShift: -120 });
    expect(await expectJsonError(await redeemBasic(reg, issued.code, issued.code_verifier), 400)).toBe('invalid_grant');
  });
});

describe('authorization code replay (RFC 6749 §4.1.2, RFC 9700 §4.2.4)', () => {
  it('RFC 6749 §4.1.2 — a second redemption fails and revokes the access and refresh tokens of the first (oidcc-codereuse, fapi2-security-profile-final-attempt-reuse-authorization-code-after-one-second)', async () => {
    const reg = await confidential();
    const { code, code_verifier, tokens } = await honestTokens(reg);
    expect(tokens.refresh_token).toBeDefined();
    expect(await userinfoStatus(tokens.access_token)).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));

    expect(await expectJsonError(await redeemBasic(reg, code, code_verifier), 400)).toBe('invalid_grant');

    expect(await userinfoStatus(tokens.access_token)).toBe(401);
    expect(await introspectActive(reg, tokens.access_token)).toBe(false);
    expect(await introspectActive(reg, tokens.refresh_token!)).toBe(false);
    expect(await expectJsonError(await refreshBasic(reg, tokens.refresh_token!), 400)).toBe('invalid_grant');
  });

  it('RFC 9700 §4.2.4 — a replay by another client (stolen code) also revokes what the first redemption issued', async () => {
    const owner = await confidential();
    const thief = await confidential();
    const { code, code_verifier, tokens } = await honestTokens(owner);
    expect(await expectJsonError(await redeemBasic(thief, code, code_verifier), 400)).toBe('invalid_grant');
    expect(await userinfoStatus(tokens.access_token)).toBe(401);
    expect(await expectJsonError(await refreshBasic(owner, tokens.refresh_token!), 400)).toBe('invalid_grant');
  });

  it('RFC 6749 §4.1.2 — a code is single use under concurrency: of 5 parallel redemptions exactly one succeeds (full proof in test/flows/concurrency.test.ts)', async () => {
    const reg = await confidential();
    const flow = await honestCode(reg);
    const statuses = await Promise.all(Array.from({ length: 5 }, () => redeemBasic(reg, flow.code, flow.code_verifier).then((r) => r.status)));
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 400)).toHaveLength(4);
  });
});
