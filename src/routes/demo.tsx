import { Hono, type Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import type { AppEnv } from '../app-env';
import { sha256b64 } from '../crypto/hash';
import { randomToken } from '../crypto/random';
import { securityHeaders } from '../middleware/security-headers';
import { NotFound } from '../oauth/errors';
import { DemoForeignCallbackPage, DemoResultPage, DemoStartPage, type DemoResult } from '../ui/demo-page';
import { sendPage } from '../http/browser-responses';

/** The demo relying party's registration, seeded by `npm start` (scripts/start.mjs). */
export const DEMO_CLIENT_ID = 'demo-client';
const COOKIE = 'portcullis_demo_rp';

type Self = { fetch(request: Request, env: AppEnv['Bindings'], ctx?: ExecutionContext): Response | Promise<Response> };

function decoded(jwt: unknown) {
  if (typeof jwt !== 'string') return undefined;
  return { header: decodeProtectedHeader(jwt), claims: decodeJwt(jwt) };
}

/**
 * A tiny relying party for newcomers, on only where `DEMO_CLIENT_SECRET` is
 * set (local `npm start`). It talks to this server's own endpoints exactly as
 * an outside client would (PAR, authorize, token with PKCE, userinfo), but
 * in-process, so it needs no network.
 */
export function demoRoutes(self: () => Self) {
  const demo = new Hono<AppEnv>();

  const secretOf = (c: Context<AppEnv>) => {
    const secret = c.get('services').config.demoClientSecret;
    if (!secret) throw new NotFound('not found');
    return secret;
  };
  const backChannel = (c: Context<AppEnv>, path: string, params: Record<string, string>) => {
    const issuer = c.get('services').config.issuer;
    const headers = { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${btoa(`${DEMO_CLIENT_ID}:${secretOf(c)}`)}` };
    return self().fetch(new Request(`${issuer}${path}`, { method: 'POST', headers, body: new URLSearchParams(params).toString() }), c.env);
  };

  demo.use('*', async (c, next) => {
    secretOf(c);
    await next();
  });
  demo.use('*', securityHeaders);

  // The demo relying party speaks English only, whatever the browser asks for.
  const EN = { locale: 'en' } as const;
  demo.get('/', (c) => sendPage(c, (page) => <DemoStartPage page={page} issuer={c.get('services').config.issuer} />, EN));

  demo.post('/start', async (c) => {
    const issuer = c.get('services').config.issuer;
    const verifier = randomToken(32);
    const state = randomToken(16);
    const res = await backChannel(c, '/par', {
      response_type: 'code', redirect_uri: `${issuer}/demo/callback`, scope: 'openid profile email offline_access',
      state, nonce: randomToken(16), code_challenge: await sha256b64(verifier), code_challenge_method: 'S256',
    });
    if (res.status !== 201) {
      const body = await res.json<Record<string, unknown>>();
      return sendPage(c, (page) => <DemoResultPage page={page} result={{ tokenResponse: body, error: `PAR answered ${res.status}` }} />, EN);
    }
    const { request_uri } = await res.json<{ request_uri: string }>();
    setCookie(c, COOKIE, `${state}.${verifier}`, { httpOnly: true, sameSite: 'Lax', path: '/demo', maxAge: 600, secure: issuer.startsWith('https:') });
    return c.redirect(`${issuer}/authorize?client_id=${DEMO_CLIENT_ID}&request_uri=${encodeURIComponent(request_uri)}`, 303);
  });

  demo.get('/callback', async (c) => {
    const issuer = c.get('services').config.issuer;
    const [state, verifier] = (getCookie(c, COOKIE) ?? '').split('.');
    deleteCookie(c, COOKIE, { path: '/demo' });
    const q = (name: string) => c.req.query(name);
    const show = (result: DemoResult) => sendPage(c, (page) => <DemoResultPage page={page} result={result} />, EN);
    const code = q('code');
    // A code this browser's demo sign-in did not ask for (the README's manual walk): shown with how to redeem it, never redeemed here.
    if (!state && code !== undefined && !q('error')) {
      return sendPage(c, (page) => <DemoForeignCallbackPage page={page} issuer={issuer} code={code} state={q('state')} iss={q('iss')} />, EN);
    }
    if (!state || q('state') !== state) return show({ tokenResponse: {}, error: 'state does not match this browser: start again' });
    if (q('iss') !== issuer) return show({ tokenResponse: {}, error: 'iss is missing or not this issuer (RFC 9207)' });
    if (q('error')) return show({ tokenResponse: {}, error: `${q('error')}: ${q('error_description') ?? ''}` });
    const res = await backChannel(c, '/token', { grant_type: 'authorization_code', code: q('code') ?? '', redirect_uri: `${issuer}/demo/callback`, code_verifier: verifier ?? '' });
    const tokens = await res.json<Record<string, unknown>>();
    if (res.status !== 200) return show({ tokenResponse: tokens, error: `the token endpoint answered ${res.status}` });
    const info = await self().fetch(new Request(`${issuer}/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token as string}` } }), c.env);
    const elided = Object.fromEntries(Object.entries(tokens).map(([k, v]) => [k, k.endsWith('token') ? `(${String(v).length} characters)` : v]));
    return show({ tokenResponse: elided, idToken: decoded(tokens.id_token), accessToken: decoded(tokens.access_token), userinfo: await info.json() });
  });

  return demo;
}
