import { describe, expect, it } from 'vitest';
import { verifyWithClientKeys } from '../../src/oauth/client-keys';
import { isLocalIssuer } from '../../src/oauth/outbound-target';
import type { Client } from '../../src/oauth/types';
import { HttpRemoteJwks, REFRESH_COOLDOWN_MS } from '../../src/storage/remote-jwks';
import { clientAssertion, clientKey } from '../helpers/jwt';
import { hitsOf, publish, rpServer, statsOf } from '../helpers/rp-server';
import { ISSUER, unique } from '../helpers/worker';

/**
 * The real remote JWKS adapter and outbound-fetch guard, against a real local
 * HTTP server (test/helpers/http-server.global.mjs), never a stubbed fetch.
 * The server is on loopback, so the adapter is built as for a local issuer:
 * the same allowance services.ts derives from ISSUER with isLocalIssuer().
 */
const LOCAL_ISSUER = 'http://127.0.0.1:8787';

function adapter(options: { clock?: () => number; timeoutMs?: number; maxBytes?: number } = {}) {
  return new HttpRemoteJwks({ ttlSeconds: 30, allowLoopback: isLocalIssuer(LOCAL_ISSUER), ...options });
}

describe('HttpRemoteJwks against a real jwks_uri', () => {
  it('fetches and caches a JWK Set (RFC 7517 §5, OpenID Connect Registration §2 jwks_uri)', async () => {
    const key = await clientKey('ES256');
    const name = unique('jwks');
    const uri = await publish(name, { keys: [key.publicJwk] });
    const remote = adapter();
    expect(await remote.fetch(uri)).toEqual({ ok: true, keys: [key.publicJwk] });
    expect(await remote.fetch(uri)).toEqual({ ok: true, keys: [key.publicJwk] });
    expect(await hitsOf(name)).toBe(1);
  });

  it('refetches on an unknown kid after key rotation at the RP, but not again within the cooldown (RFC 7517 §4.5)', async () => {
    const oldKey = await clientKey('ES256');
    const newKey = await clientKey('ES256');
    const name = unique('rotate');
    const uri = await publish(name, { keys: [oldKey.publicJwk] });
    let now = Date.parse('2026-12-06T09:00:00Z');
    const remote = adapter({ clock: () => now });
    const client = { client_id: unique('rp'), jwks_uri: uri } as Client;
    const options = { algorithms: ['ES256'], issuer: client.client_id, audience: ISSUER };
    expect((await verifyWithClientKeys(await clientAssertion(client.client_id, oldKey), client, options, remote)).ok).toBe(true);
    await publish(name, { keys: [oldKey.publicJwk, newKey.publicJwk] });
    now += REFRESH_COOLDOWN_MS + 1;
    expect((await verifyWithClientKeys(await clientAssertion(client.client_id, newKey), client, options, remote)).ok).toBe(true);
    expect(await hitsOf(name)).toBe(2);
    // A kid nobody published, inside the cooldown: refused without asking the RP again.
    const stranger = await clientKey('ES256');
    now += 1000;
    expect((await verifyWithClientKeys(await clientAssertion(client.client_id, stranger), client, options, remote)).ok).toBe(false);
    expect(await hitsOf(name)).toBe(2);
  });

  it('follows no redirect: a 3xx is a failure and its target is never fetched (DESIGN.md outbound fetches)', async () => {
    const key = await clientKey('ES256');
    const name = unique('redirected');
    await publish(name, { keys: [key.publicJwk] });
    const result = await adapter().fetch(`${rpServer()}/redirect/${name}`);
    expect(result).toEqual({ ok: false, reason: 'jwks_uri: answered 302; redirects are not followed' });
    expect(await hitsOf(name)).toBe(0);
  });

  it('stops reading an endless body at the size cap instead of reading it whole', async () => {
    const name = unique('endless');
    const started = Date.now();
    const result = await adapter({ maxBytes: 64 * 1024, timeoutMs: 10_000 }).fetch(`${rpServer()}/endless/${name}`);
    expect(result).toEqual({ ok: false, reason: 'jwks_uri: the response is larger than 65536 bytes' });
    // Ended by the cap, well before the 10 s deadline; and the server saw the client hang up.
    expect(Date.now() - started).toBeLessThan(5000);
    await expect.poll(async () => (await statsOf(name)).closed, { timeout: 5000 }).toBe(true);
  });

  it('gives up on a server that does not answer within the timeout', async () => {
    const name = unique('slow');
    const started = Date.now();
    const result = await adapter({ timeoutMs: 300 }).fetch(`${rpServer()}/slow/${name}`);
    expect(result).toEqual({ ok: false, reason: 'jwks_uri: no answer within 300 ms' });
    expect(Date.now() - started).toBeLessThan(3000);
    await expect.poll(async () => (await statsOf(name)).closed, { timeout: 5000 }).toBe(true);
  });

  it('gives up on a body that stalls after the headers, within the same deadline', async () => {
    const name = unique('stall');
    const result = await adapter({ timeoutMs: 300 }).fetch(`${rpServer()}/stall/${name}`);
    expect(result).toEqual({ ok: false, reason: 'jwks_uri: the response body did not arrive in time' });
    await expect.poll(async () => (await statsOf(name)).closed, { timeout: 5000 }).toBe(true);
  });

  it('refuses a document that is not JSON, and JSON that is not a JWK Set (RFC 7517 §5)', async () => {
    expect(await adapter().fetch(`${rpServer()}/html/${unique('html')}`)).toEqual({ ok: false, reason: 'jwks_uri: answered content-type text/html' });
    const notASet = await publish(unique('not-a-set'), { kty: 'EC' });
    expect(await adapter().fetch(notASet)).toEqual({ ok: false, reason: 'jwks_uri: the document is not a JWK Set (RFC 7517 §5)' });
  });

  it('answers a failure, not a throw, when the RP answers an error status', async () => {
    expect(await adapter().fetch(`${rpServer()}/doc/${unique('missing')}`)).toEqual({ ok: false, reason: 'jwks_uri: answered HTTP 404' });
  });

  it('does not touch a loopback jwks_uri at all when the issuer is not local', async () => {
    const name = unique('public-issuer');
    const uri = await publish(name, { keys: [] });
    const remote = new HttpRemoteJwks({ ttlSeconds: 30, allowLoopback: isLocalIssuer(ISSUER) });
    const result = await remote.fetch(uri);
    expect(result.ok).toBe(false);
    expect(await hitsOf(name)).toBe(0);
  });
});
