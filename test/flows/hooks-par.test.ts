import { describe, expect, it } from 'vitest';
import { AccessDenied } from '../../src/oauth/errors';
import type { ParHookContext } from '../../src/oauth/hooks';
import type { AuthorizationRequest } from '../../src/oauth/types';
import { registerClient as register } from '../helpers/admin';
import { appWith, authzParams, parKeys, storedSince, trackingRegistrar, storedRequest } from '../helpers/par';
import { basic } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

const { ids, registerClient } = trackingRegistrar(register);
/** Deployer hooks around /par (src/oauth/hooks.ts; Janssen ParType createPar / modifyParResponse). */
describe('PAR hooks', () => {
  const post = (client_id: string, secret: string, params: Record<string, string>): RequestInit => ({
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basic(client_id, secret), 'x-tenant': 'blue' },
    body: new URLSearchParams(params).toString(),
  });

  it('createPar throwing AccessDenied refuses that client with access_denied and stores nothing', async () => {
    const bad = await registerClient();
    const good = await registerClient();
    const fetch = appWith({}, {
      hooks: { par: { createPar(request, { client }) { if (client.client_id === bad.client_id) throw new AccessDenied('Forbidden by custom hook'); return request; } } },
    });
    const before = await parKeys();
    const res = await fetch('/par', post(bad.client_id, bad.client_secret!, authzParams()));
    expect(await errorOf(res)).toEqual({ status: 400, error: 'access_denied', error_description: 'Forbidden by custom hook' });
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await storedSince(before, ids)).toEqual([]);
    expect((await fetch('/par', post(good.client_id, good.client_secret!, authzParams()))).status).toBe(201);
  });

  it('createPar can narrow the request; the stored request is the changed one', async () => {
    const reg = await registerClient();
    let seen: { request?: AuthorizationRequest; context?: ParHookContext } = {};
    const fetch = appWith({}, {
      hooks: { par: { createPar(request, context) { seen = { request, context }; return { ...request, scope: 'openid', client_id: 'cannot-change' }; } } },
    });
    const res = await fetch('/par', post(reg.client_id, reg.client_secret!, authzParams({ scope: 'openid profile email' })));
    expect(res.status).toBe(201);
    const stored = await storedRequest(((await res.json()) as { request_uri: string }).request_uri);
    expect(stored?.request.scope).toBe('openid');
    expect(stored?.request.client_id).toBe(reg.client_id);
    expect(stored?.client_id).toBe(reg.client_id);
    expect(seen.request?.scope).toBe('openid profile email');
    expect(seen.context?.headers.get('x-tenant')).toBe('blue');
    expect(seen.context?.client).not.toHaveProperty('client_secret_hash');
    expect(seen.context?.requestId).toBeTypeOf('string');
  });

  it('what createPar returns is validated again: an unregistered redirect_uri is refused and nothing stored (RFC 9126 §2.1)', async () => {
    const reg = await registerClient();
    const fetch = appWith({}, { hooks: { par: { createPar: (request) => ({ ...request, redirect_uri: 'https://attacker.example/cb' }) } } });
    const before = await parKeys();
    const res = await fetch('/par', post(reg.client_id, reg.client_secret!, authzParams()));
    expect((await errorOf(res)).error).toBe('invalid_request');
    expect(await storedSince(before, ids)).toEqual([]);
  });

  it('createPar returning nothing keeps the request as validated', async () => {
    const reg = await registerClient();
    const fetch = appWith({}, { hooks: { par: { createPar() { /* inspect only */ } } } });
    const res = await fetch('/par', post(reg.client_id, reg.client_secret!, authzParams({ state: 'kept' })));
    const stored = await storedRequest(((await res.json()) as { request_uri: string }).request_uri);
    expect(stored?.request.state).toBe('kept');
  });

  it('a hook that throws a non-OAuth error answers server_error without internals and stores nothing', async () => {
    const reg = await registerClient();
    const fetch = appWith({}, { hooks: { par: { createPar() { throw new Error('db password is hunter2'); } } } });
    const before = await parKeys();
    const body = await errorOf(await fetch('/par', post(reg.client_id, reg.client_secret!, authzParams())));
    expect({ status: body.status, error: body.error }).toEqual({ status: 500, error: 'server_error' });
    expect(body.error_description).not.toContain('hunter2');
    expect(await storedSince(before, ids)).toEqual([]);
  });

  it('modifyParResponse adds members but cannot replace request_uri or expires_in', async () => {
    const reg = await registerClient();
    const fetch = appWith({}, {
      hooks: { par: { modifyParResponse(response) { return { ...response, custom_key: 'custom_value', request_uri: 'urn:evil', expires_in: 9999 }; } } },
    });
    const res = await fetch('/par', post(reg.client_id, reg.client_secret!, authzParams()));
    expect(res.status).toBe(201);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body.custom_key).toBe('custom_value');
    expect(body.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/);
    expect(body.expires_in).toBe(60);
    expect(await storedRequest(body.request_uri as string)).not.toBeNull();
  });

  it('hooks do not run for a request refused by validation', async () => {
    const reg = await registerClient();
    let calls = 0;
    const fetch = appWith({}, { hooks: { par: { createPar() { calls++; }, modifyParResponse() { calls++; } } } });
    const res = await fetch('/par', post(reg.client_id, reg.client_secret!, authzParams({ redirect_uri: 'https://evil.example/cb' })));
    expect(res.status).toBe(400);
    expect(calls).toBe(0);
  });
});
