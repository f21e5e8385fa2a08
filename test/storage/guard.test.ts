import { afterEach, describe, expect, it, vi } from 'vitest';
import { registerClient } from '../helpers/admin';
import { callWith, interceptNamespace } from '../helpers/faults';
import { issueCode } from '../helpers/grant';
import { basic, call, form, testEnv } from '../helpers/worker';

/**
 * A grant namespace whose stubs answer `method` by running `bug` inside the
 * real Grant object: an exception thrown by the object's own code, as a bug
 * there would throw it (workerd marks it `remote`).
 */
function buggyGrants(method: string, bug: (stub: DurableObjectStub) => Promise<unknown>): Env['GRANTS'] {
  return interceptNamespace(testEnv.GRANTS, [method], (stub) => bug(stub as unknown as DurableObjectStub));
}

/** A grant namespace whose stubs reject `method` with an infrastructure-shaped error (Durable Objects error handling). */
function failingGrants(method: string, error: Error): Env['GRANTS'] {
  return buggyGrants(method, () => Promise.reject(error));
}

type Env = import('../../src/env').Env;

async function accessToken(): Promise<string> {
  const client = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
  const issued = await issueCode({ client_id: client.client_id });
  const res = await call('/token', {
    ...form({ grant_type: 'authorization_code', code: issued.code, redirect_uri: 'https://rp.example/cb', code_verifier: issued.code_verifier }),
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client.client_id, client.client_secret!) },
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { access_token: string }).access_token;
}

function loggedEvents(spy: { mock: { calls: unknown[][] } }): Array<Record<string, unknown>> {
  return spy.mock.calls.map((args: unknown[]) => JSON.parse(String(args[0])) as Record<string, unknown>);
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a bug in a Durable Object is a server error, an outage is not (RFC 6749 §5.2, RFC 6750 §3.1)', () => {
  it('answers 500 server_error and logs durable_object_error when the object\'s own code throws', async () => {
    const token = await accessToken();
    const errors = vi.spyOn(console, 'error');
    // `redeemCode(undefined)` makes the real object dereference undefined: a TypeError in its own code.
    const fetch = callWith({ GRANTS: buggyGrants('status', (stub) => (stub as unknown as { redeemCode(input: unknown): Promise<unknown> }).redeemCode(undefined)) });
    const res = await fetch('/userinfo', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(500);
    expect(res.headers.get('retry-after')).toBeNull();
    expect(await res.json()).toMatchObject({ error: 'server_error' });
    expect(loggedEvents(errors)).toContainEqual(expect.objectContaining({ level: 'error', event: 'durable_object_error', binding: 'GRANTS', op: 'status' }));
  });

  it('answers 503 temporarily_unavailable for an overloaded object, though the error is marked remote', async () => {
    const token = await accessToken();
    const errors = vi.spyOn(console, 'error');
    const overloaded = Object.assign(new Error('Durable Object is overloaded'), { remote: true, overloaded: true });
    const res = await callWith({ GRANTS: failingGrants('status', overloaded) })('/userinfo', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(503);
    expect(res.headers.get('retry-after')).toBe('5');
    expect(await res.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect(loggedEvents(errors)).toContainEqual(expect.objectContaining({ event: 'storage_unavailable', binding: 'GRANTS', op: 'status' }));
  });

  it('answers 503 temporarily_unavailable for a retryable infrastructure error', async () => {
    const token = await accessToken();
    const reset = Object.assign(new Error('Network connection lost.'), { retryable: true });
    const res = await callWith({ GRANTS: failingGrants('status', reset) })('/userinfo', { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'temporarily_unavailable' });
  });
});
