import { describe, expect, it } from 'vitest';
import { registerClient as register } from '../helpers/admin';
import { clientAssertion } from '../helpers/jwt';
import { authzParams, parForm, parKeys, storedSince, trackingRegistrar } from '../helpers/par';
import { basic, unique } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

const { ids, registerClient } = trackingRegistrar(register);
/** Secret-based client authentication at /par (RFC 6749 §2.3.1, RFC 9126 §2.1). */
describe('client authentication with a secret', () => {
  const CAUSES_PREFIX = 'Client authentication failed.';

  /** Sends, expects 401 invalid_client with a client_auth_id, and proves nothing was stored. */
  async function unauthorized(send: () => Promise<Response>, { basicTried }: { basicTried: boolean }) {
    const before = await parKeys();
    const res = await send();
    const body = await errorOf(res);
    expect(body.status).toBe(401);
    expect(body.error).toBe('invalid_client');
    expect(body.error_description.startsWith(CAUSES_PREFIX)).toBe(true);
    expect(body.client_auth_id).toMatch(/^[A-Za-z0-9_-]{16}$/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    if (basicTried) expect(res.headers.get('www-authenticate')).toMatch(/^Basic /);
    else expect(res.headers.get('www-authenticate')).toBeNull();
    expect(await storedSince(before, ids)).toEqual([]);
    return body;
  }

  it('accepts client_secret_basic (RFC 6749 §2.3.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    expect((await parForm(authzParams(), { authorization: basic(reg.client_id, reg.client_secret!) })).status).toBe(201);
  });

  it('refuses a wrong Basic secret with 401 and WWW-Authenticate: Basic (RFC 6749 §5.2)', async () => {
    const reg = await registerClient();
    await unauthorized(() => parForm(authzParams(), { authorization: basic(reg.client_id, reg.client_secret! + 'x') }), { basicTried: true });
  });

  it('gives the same description for an unknown client and a wrong secret, with distinct client_auth_ids (no oracle)', async () => {
    const reg = await registerClient();
    const wrong = await unauthorized(() => parForm(authzParams(), { authorization: basic(reg.client_id, 'nope') }), { basicTried: true });
    const unknown = await unauthorized(() => parForm(authzParams(), { authorization: basic(unique('ghost'), 'nope') }), { basicTried: true });
    expect(unknown.error_description).toBe(wrong.error_description);
    expect(unknown.client_auth_id).not.toBe(wrong.client_auth_id);
  });

  it('form-urldecodes Basic credentials: a client_id with . and ~ sent percent-encoded (RFC 6749 §2.3.1)', async () => {
    const id = `${unique('dot.tilde~')}.x`;
    const reg = await registerClient({ client_id: id });
    expect(reg.client_id).toBe(id);
    const encodedId = id.replace(/\./g, '%2E').replace(/~/g, '%7E');
    const header = `Basic ${btoa(`${encodedId}:${reg.client_secret}`)}`;
    expect((await parForm(authzParams(), { authorization: header })).status).toBe(201);
    expect((await parForm(authzParams(), { authorization: basic(id, reg.client_secret!) })).status).toBe(201);
  });

  it.each(['Basic !!!', 'Basic ' + btoa('no-colon'), 'Basic ' + btoa('id:%ZZ')])('refuses a malformed Basic header %s with invalid_request', async (header) => {
    const before = await parKeys();
    expect(await errorOf(await parForm(authzParams(), { authorization: header }))).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(await storedSince(before, ids)).toEqual([]);
  });

  it('accepts client_secret_post (RFC 6749 §2.3.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_post' });
    expect((await parForm({ ...authzParams(), client_id: reg.client_id, client_secret: reg.client_secret! })).status).toBe(201);
  });

  it('refuses a wrong client_secret_post secret without WWW-Authenticate (RFC 6749 §5.2)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_post' });
    await unauthorized(() => parForm({ ...authzParams(), client_id: reg.client_id, client_secret: 'wrong' }), { basicTried: false });
  });

  it('refuses client_secret_post without client_id with invalid_request', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_post' });
    expect(await errorOf(await parForm({ ...authzParams(), client_secret: reg.client_secret! }))).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('refuses two methods at once with invalid_request (RFC 6749 §2.3)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    const before = await parKeys();
    const res = await parForm({ ...authzParams(), client_id: reg.client_id, client_secret: reg.client_secret! }, { authorization: basic(reg.client_id, reg.client_secret!) });
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_request' });
    const withAssertion = await parForm(
      { ...authzParams(), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: await clientAssertion(reg.client_id, new TextEncoder().encode('k'.repeat(32))) },
      { authorization: basic(reg.client_id, reg.client_secret!) },
    );
    expect(await errorOf(withAssertion)).toMatchObject({ status: 400, error: 'invalid_request' });
    expect(await storedSince(before, ids)).toEqual([]);
  });

  it('refuses a Basic client_id that differs from the body client_id with invalid_request', async () => {
    const reg = await registerClient();
    const res = await parForm({ ...authzParams(), client_id: 'other' }, { authorization: basic(reg.client_id, reg.client_secret!) });
    expect(await errorOf(res)).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('refuses a correct secret sent by a method other than the registered one (OIDC Registration §2)', async () => {
    const post = await registerClient({ token_endpoint_auth_method: 'client_secret_post' });
    await unauthorized(() => parForm(authzParams(), { authorization: basic(post.client_id, post.client_secret!) }), { basicTried: true });
    const viaBasic = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    await unauthorized(() => parForm({ ...authzParams(), client_id: viaBasic.client_id, client_secret: viaBasic.client_secret! }), { basicTried: false });
  });

  it('accepts client_secret_jwt with HS256 (RFC 7523 §2.2, OIDC Core §9)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_jwt' });
    const assertion = await clientAssertion(reg.client_id, new TextEncoder().encode(reg.client_secret!));
    const res = await parForm({ ...authzParams(), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion });
    expect(res.status).toBe(201);
  });

  it('refuses client_secret_jwt signed with a wrong secret (RFC 7523 §3)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_jwt' });
    const assertion = await clientAssertion(reg.client_id, new TextEncoder().encode(reg.client_secret! + 'x'));
    await unauthorized(() => parForm({ ...authzParams(), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }), { basicTried: false });
  });

  it('refuses client_secret_jwt with an alg other than the registered token_endpoint_auth_signing_alg', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_jwt', token_endpoint_auth_signing_alg: 'HS512' });
    const assertion = await clientAssertion(reg.client_id, new TextEncoder().encode(reg.client_secret!));
    await unauthorized(() => parForm({ ...authzParams(), client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: assertion }), { basicTried: false });
  });

  it('accepts a public client with client_id only (none, RFC 6749 §2.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'none' });
    expect((await parForm({ ...authzParams(), client_id: reg.client_id })).status).toBe(201);
  });

  it('refuses a confidential client sending only its client_id (RFC 6749 §3.2.1)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
    await unauthorized(() => parForm({ ...authzParams(), client_id: reg.client_id }), { basicTried: false });
  });

  it('refuses a public client presenting a secret it does not have (registered method is none)', async () => {
    const reg = await registerClient({ token_endpoint_auth_method: 'none' });
    await unauthorized(() => parForm(authzParams(), { authorization: basic(reg.client_id, 'guess') }), { basicTried: true });
  });

  it('refuses a request with no client identification at all with invalid_request', async () => {
    expect(await errorOf(await parForm(authzParams()))).toMatchObject({ status: 400, error: 'invalid_request' });
  });

  it('refuses an unsupported Authorization scheme with invalid_request', async () => {
    expect(await errorOf(await parForm(authzParams(), { authorization: 'Bearer abc' }))).toMatchObject({ status: 400, error: 'invalid_request' });
  });
});
