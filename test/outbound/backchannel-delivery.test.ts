import { decodeJwt } from 'jose';
import { inject, describe, expect, it } from 'vitest';
import { notifyBackchannelLogout } from '../../src/oauth/backchannel-logout';
import type { LogoutDelivery } from '../../src/storage/ports';
import { admin, eventually, received, rpClient, services, tokenOf, unique, verifyLogoutToken } from './helpers';

async function deliveries(query: string): Promise<LogoutDelivery[]> {
  const res = await admin('GET', `/logout-deliveries?${query}`);
  expect(res.status).toBe(200);
  return (await res.json<{ deliveries: LogoutDelivery[] }>()).deliveries;
}

async function deliveryIn(state: LogoutDelivery['state'], id: string, client_id: string): Promise<LogoutDelivery> {
  return eventually(async () => (await deliveries(`client_id=${client_id}`)).find((d) => d.id === id && d.state === state));
}

describe('back-channel logout delivery through the queue (Back-Channel Logout 1.0 §2.5–§2.8)', () => {
  it('POSTs a verifiable logout token form-encoded to the backchannel_logout_uri and records it delivered (§2.5, §2.8)', async () => {
    const client = await rpClient('ok');
    const sid = unique('sid');
    const [id] = await notifyBackchannelLogout({ sub: 'user-a', sid, clients: [client.client_id] }, services());
    const row = await deliveryIn('delivered', id!, client.client_id);
    expect(row).toMatchObject({ client_id: client.client_id, sid, sub: 'user-a', uri: client.uri, attempts: 1, last_status: 200, last_error: null });
    expect(row.delivered_at).toBeGreaterThanOrEqual(row.created_at);
    const got = await received(client.key);
    expect(got).toHaveLength(1);
    expect(got[0]!.method).toBe('POST');
    expect(got[0]!.content_type).toBe('application/x-www-form-urlencoded');
    expect([...new URLSearchParams(got[0]!.body).keys()]).toEqual(['logout_token']);
    const { payload } = await verifyLogoutToken(tokenOf(got[0]!), client.client_id);
    expect(payload).toMatchObject({ sub: 'user-a', sid });
    expect(payload).not.toHaveProperty('nonce');
  });

  it('an RP that fails twice then succeeds gets exactly one accepted delivery, a fresh jti each attempt, and the admin API shows the history (§2.8)', async () => {
    const client = await rpClient('fail-twice');
    const sid = unique('sid');
    const [id] = await notifyBackchannelLogout({ sub: 'user-b', sid, clients: [client.client_id] }, services());
    const row = await deliveryIn('delivered', id!, client.client_id);
    expect(row).toMatchObject({ attempts: 3, state: 'delivered', last_status: 200, last_error: 'HTTP 500' });
    const bySid = await deliveries(`sid=${sid}`);
    expect(bySid.map((d) => [d.id, d.state, d.attempts])).toEqual([[id, 'delivered', 3]]);
    // Nothing more arrives once delivered: one accepted delivery.
    await new Promise((r) => setTimeout(r, 1500));
    const got = await received(client.key);
    expect(got.map((r) => r.status)).toEqual([500, 500, 200]);
    expect(got.filter((r) => r.status === 200)).toHaveLength(1);
    const jtis = got.map((r) => decodeJwt(tokenOf(r)).jti);
    expect(new Set(jtis).size).toBe(3);
  });

  it('treats 204 No Content as delivered (§2.8)', async () => {
    const client = await rpClient('no-content');
    const [id] = await notifyBackchannelLogout({ sub: 'user-c', sid: unique('sid'), clients: [client.client_id] }, services());
    expect(await deliveryIn('delivered', id!, client.client_id)).toMatchObject({ attempts: 1, last_status: 204 });
  });

  it('a dead RP ends failed through the dead-letter queue, and a failed delivery can be retried through the admin API', async () => {
    const client = await rpClient('dead');
    const [id] = await notifyBackchannelLogout({ sub: 'user-d', sid: unique('sid'), clients: [client.client_id] }, services());
    // max_retries 2 in this project: three attempts, then the dead-letter queue marks it failed.
    expect(await deliveryIn('failed', id!, client.client_id)).toMatchObject({ attempts: 3, last_status: 503, last_error: 'HTTP 503' });
    expect((await received(client.key)).map((r) => r.status)).toEqual([503, 503, 503]);

    // The operator points the client at a working endpoint, then retries.
    const fixedKey = unique('rp');
    const fixedUri = `${inject('rpUrl')}/rp/ok/${fixedKey}`;
    const put = await admin('PUT', `/clients/${client.client_id}`, {
      redirect_uris: ['https://rp.example/cb'], token_endpoint_auth_method: 'none', backchannel_logout_uri: fixedUri,
    });
    expect(put.status).toBe(200);
    const retry = await admin('POST', `/logout-deliveries/${id}/retry`);
    expect(retry.status).toBe(202);
    expect(await retry.json()).toMatchObject({ id, state: 'pending' });
    expect(await deliveryIn('delivered', id!, client.client_id)).toMatchObject({ attempts: 4, uri: fixedUri, last_status: 200 });
    expect(await received(fixedKey)).toHaveLength(1);
  });

  it('refuses to retry a delivery that is not failed (409) or does not exist (404)', async () => {
    const client = await rpClient('ok');
    const [id] = await notifyBackchannelLogout({ sub: 'user-e', sid: unique('sid'), clients: [client.client_id] }, services());
    await deliveryIn('delivered', id!, client.client_id);
    const conflict = await admin('POST', `/logout-deliveries/${id}/retry`);
    expect(conflict.status).toBe(409);
    expect(await conflict.json()).toEqual({ error: 'invalid_request', error_description: 'the delivery is delivered; only a failed delivery can be retried' });
    const missing = await admin('POST', '/logout-deliveries/no-such-delivery/retry');
    expect(missing.status).toBe(404);
    expect((await missing.json<{ error: string }>()).error).toBe('not_found');
  });

  it('enqueueing returns before the RP answers: a slow RP never delays the logout (§2.5)', async () => {
    const client = await rpClient('slow');
    const [id] = await notifyBackchannelLogout({ sub: 'user-f', sid: unique('sid'), clients: [client.client_id] }, services());
    const returnedAt = Date.now();
    expect((await received(client.key))).toHaveLength(0);
    expect((await deliveries(`client_id=${client.client_id}`))[0]).toMatchObject({ id, state: 'pending', attempts: 0 });
    await deliveryIn('delivered', id!, client.client_id);
    const [got] = await received(client.key);
    expect(got!.answered_at).toBeGreaterThan(returnedAt);
  });
});
