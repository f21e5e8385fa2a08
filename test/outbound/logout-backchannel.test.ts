import { decodeJwt } from 'jose';
import { describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import type { Env } from '../../src/env';
import { getServices } from '../../src/storage/services';
import { createUser } from '../helpers/admin';
import { newBrowser, visit } from '../helpers/interaction';
import { logoutClient, logoutUrl, POST_LOGOUT, signInTo } from '../helpers/logout';
import { admin, eventually, outboundEnv, received, services, tokenOf, unique, verifyLogoutToken } from './helpers';
import { inject } from 'vitest';

/**
 * oidcc-backchannel-rp-initiated-logout: RP-Initiated Logout 1.0 ending a
 * session whose RPs registered a back-channel logout URI on a real local
 * relying party (rp-server.mjs), which receives and verifies the logout token
 * (Back-Channel Logout 1.0 §2.4–§2.8). Timing is printed, never asserted.
 */
const SESSION = 'portcullis_session';

/** A client whose back-channel logout URI is the local RP in `mode`. */
async function backchannelClient(mode: string, metadata: Record<string, unknown> = {}) {
  const key = unique('rp');
  const client = await logoutClient({ backchannel_logout_uri: `${inject('rpUrl')}/rp/${mode}/${key}`, ...metadata });
  return { client, key };
}

async function sidOf(cookies: Map<string, string>): Promise<string> {
  return (await services().sessions.fromSecret(cookies.get(SESSION)!))!.sid;
}

describe('oidcc-backchannel-rp-initiated-logout (Back-Channel Logout 1.0 §2.5, §2.7; RP-Initiated Logout §2)', () => {
  it('logout POSTs a verifiable logout token to every RP of the session, and the admin API shows them delivered', async () => {
    const a = await backchannelClient('ok', { backchannel_logout_session_required: true });
    const b = await backchannelClient('ok');
    const user = await createUser();
    const browser = newBrowser();
    const first = await signInTo(a.client, user, browser);
    await signInTo(b.client, user, browser);
    const sid = await sidOf(browser.cookies);
    expect(decodeJwt(first.tokens.id_token).sid).toBe(sid);

    const started = Date.now();
    const res = await visit(browser, logoutUrl({ id_token_hint: first.tokens.id_token, post_logout_redirect_uri: POST_LOGOUT, state: 'bc' }));
    const answered = Date.now();
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`${POST_LOGOUT}?state=bc`);

    for (const rp of [a, b]) {
      const [got] = await eventually(async () => ((await received(rp.key)).length ? received(rp.key) : undefined));
      const { payload } = await verifyLogoutToken(tokenOf(got!), rp.client.client_id);
      expect(payload).toMatchObject({ sub: user.sub, sid, events: { 'http://schemas.openid.net/event/backchannel-logout': {} } });
      expect(payload.nonce).toBeUndefined();
      console.log(`[measure] back-channel delivery: logout answered in ${answered - started} ms; RP received the token ${got!.at - answered} ms after the answer`);
    }
    const list = await eventually(async () => {
      const body = await (await admin('GET', `/logout-deliveries?sid=${encodeURIComponent(sid)}`)).json<{ deliveries: Array<{ client_id: string; state: string }> }>();
      return body.deliveries.every((d) => d.state === 'delivered') && body.deliveries.length === 2 ? body.deliveries : undefined;
    });
    expect(list.map((d) => d.client_id).sort()).toEqual([a.client.client_id, b.client.client_id].sort());
  });

  it('an RP that fails twice gets exactly one accepted delivery after retries; the logout itself is not delayed', async () => {
    const rp = await backchannelClient('fail-twice');
    const user = await createUser();
    const browser = newBrowser();
    const { tokens } = await signInTo(rp.client, user, browser);
    const started = Date.now();
    const res = await visit(browser, logoutUrl({ id_token_hint: tokens.id_token }));
    expect(res.status).toBe(200);
    const answered = Date.now();
    const got = await eventually(async () => {
      const list = await received(rp.key);
      return list.some((r) => r.status === 200) ? list : undefined;
    });
    expect(got.map((r) => r.status)).toEqual([500, 500, 200]);
    // Each attempt carries a fresh token (new jti), Back-Channel Logout §2.4.
    expect(new Set(got.map((r) => decodeJwt(tokenOf(r)).jti)).size).toBe(3);
    console.log(`[measure] fail-twice RP: logout answered in ${answered - started} ms; attempts at +${got.map((r) => r.at - answered).join(' ms, +')} ms (BACKCHANNEL_RETRY_DELAY=0 in this project)`);
  });
});

/** Counts storage calls of an env: D1 statements and batches, queue sends, and each Durable Object round trip by namespace. */
function countingEnv(counts: Record<string, number>): Env {
  const bump = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  const wrap = <T extends object>(target: T, prefix: string, methods: string[] | null, after?: (m: string, r: unknown) => unknown): T =>
    new Proxy(target, {
      get(obj, prop) {
        const value = Reflect.get(obj, prop, obj) as unknown;
        if (typeof value !== 'function' || typeof prop !== 'string') return value;
        return (...args: unknown[]) => {
          if (methods === null || methods.includes(prop)) bump(`${prefix}.${prop}`);
          const result = Reflect.apply(value as (...a: unknown[]) => unknown, obj, args);
          return after ? after(prop, result) : result;
        };
      },
    });
  const statement = (s: D1PreparedStatement): D1PreparedStatement => wrap(s, 'D1', ['first', 'all', 'run', 'raw'], (m, r) => (m === 'bind' ? statement(r as D1PreparedStatement) : r));
  const env: Record<string, unknown> = { ...outboundEnv };
  env.DB = wrap(outboundEnv.DB, 'D1', ['batch', 'exec'], (m, r) => (m === 'prepare' ? statement(r as D1PreparedStatement) : r));
  env.PAR_KV = wrap(outboundEnv.PAR_KV, 'KV', ['get', 'getWithMetadata', 'put', 'list', 'delete']);
  env.LOGOUT_QUEUE = wrap(outboundEnv.LOGOUT_QUEUE!, 'queue', ['send', 'sendBatch']);
  for (const name of ['GRANTS', 'SESSIONS', 'KEYS', 'REPLAY', 'LIMITER'] as const) {
    const ns = outboundEnv[name] as unknown as DurableObjectNamespace;
    env[name] = wrap(ns, `DO.${name}`, [], (m, r) => (m === 'get' || m === 'getByName' ? wrap(r as object, `DO.${name}`, null) : r));
  }
  return env as unknown as Env;
}

describe('storage operations of one logout (issue 10: per RP)', () => {
  it('a logout with a hint costs 2 Session DO calls, 1 Grant DO call per RP, 1 D1 batch and 1 queue send (warm isolate)', async () => {
    const results: Record<number, Record<string, number>> = {};
    for (const n of [1, 3]) {
      const rps = await Promise.all(Array.from({ length: n }, () => backchannelClient('ok')));
      const user = await createUser();
      const browser = newBrowser();
      let hint = '';
      for (const rp of rps) hint = (await signInTo(rp.client, user, browser)).tokens.id_token;
      const counts: Record<string, number> = {};
      const env = countingEnv(counts);
      const warm = getServices(env);
      await Promise.all(rps.map((rp) => warm.clients.get(rp.client.client_id)));
      await warm.keys.ring();
      for (const k of Object.keys(counts)) delete counts[k];
      const cookie = [...browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
      const res = await createApp().fetch(new Request(`http://localhost:8787${logoutUrl({ id_token_hint: hint })}`, { headers: { cookie } }), env);
      expect(res.status).toBe(200);
      await res.arrayBuffer();
      results[n] = { ...counts };
    }
    console.log(`[measure] logout storage operations: 1 RP ${JSON.stringify(results[1])}; 3 RPs ${JSON.stringify(results[3])}`);
    // Session: read (cookie) + end; Grant: one revoke per RP's grant; D1: one batch recording the deliveries; queue: one batch send.
    expect(results[1]).toEqual({ 'DO.SESSIONS.get': 1, 'DO.SESSIONS.end': 1, 'DO.GRANTS.revoke': 1, 'D1.batch': 1, 'queue.sendBatch': 1 });
    expect(results[3]).toEqual({ 'DO.SESSIONS.get': 1, 'DO.SESSIONS.end': 1, 'DO.GRANTS.revoke': 3, 'D1.batch': 1, 'queue.sendBatch': 1 });
  });
});
