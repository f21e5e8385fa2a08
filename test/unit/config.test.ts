import { describe, expect, it } from 'vitest';
import { ConfigError, endpoints, getConfig, parseConfig, SETTINGS, type Setting } from '../../src/config';
import { generatedSection, renderConfigTable } from '../../scripts/config-table';
import { createUser, registerClient } from '../helpers/admin';
import { authorizeUrl, parseForm, pushRequest, setCookies } from '../helpers/interaction';
import { appWith, authzParams } from '../helpers/par';
import { testEnv } from '../helpers/worker';
import { errorOf } from '../helpers/errors';

/** Every setting is parsed once and an invalid one is refused by name (src/config.ts, STYLE.md). */
describe('parseConfig', () => {
  function refuses(env: Record<string, unknown>, setting: string) {
    let caught: unknown;
    try {
      parseConfig(env);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    expect((caught as ConfigError).setting).toBe(setting);
    expect((caught as ConfigError).message).toContain(setting);
  }

  it('applies the documented defaults', () => {
    const config = parseConfig({});
    expect(config).toMatchObject({
      issuer: 'http://localhost:8787',
      parEnabled: true,
      requirePar: false,
      parLifetime: 60,
      signingAlgs: ['ES256', 'EdDSA', 'PS256', 'RS256'],
      accessTokenAlg: 'ES256',
      fapi2: false,
      allowPkcePlain: false,
      requirePkceForAll: false,
      maxBodyBytes: 65536,
      adminToken: undefined,
      clientSecretKey: undefined,
      signingKeys: undefined,
    });
  });

  it('applies the defaults of the lifetimes that used to be constants', () => {
    expect(parseConfig({})).toMatchObject({
      sessionLifetime: 12 * 3600,
      interactionLifetime: 30 * 60,
      maxRequestObjectLifetime: 3600,
      jwksMaxAge: 300,
      keyRotationInterval: 90 * 86_400,
    });
  });

  it('takes every default from the settings table', () => {
    const config = parseConfig({}) as unknown as Record<string, unknown>;
    const limits = { loginFailuresPerAccount: 5, loginFailuresPerIp: 20, loginFailureWindow: 900, clientAuthFailures: 20, clientAuthFailureWindow: 300 };
    for (const [key, setting] of Object.entries(SETTINGS) as Array<[string, Setting]>) {
      const expected = setting.default === undefined ? undefined : setting.parse(setting.default, setting.env);
      expect(key in limits ? limits[key as keyof typeof limits] : config[key], setting.env).toEqual(expected);
    }
    expect(config.limits).toEqual({
      loginPerAccount: { limit: 5, windowSeconds: 900 },
      loginPerIp: { limit: 20, windowSeconds: 900 },
      clientAuthFailures: { limit: 20, windowSeconds: 300 },
    });
  });

  const integers = (Object.values(SETTINGS) as Setting[]).filter((s) => s.bounds !== undefined);

  it.each(integers.map((s) => [s.env, s] as const))('accepts %s at both bounds and refuses it one beyond each', (name, setting) => {
    const [min, max] = setting.bounds!;
    const key = Object.entries(SETTINGS).find(([, s]) => s === setting)![0];
    const read = (env: Record<string, string>) => {
      const config = parseConfig(env) as unknown as Record<string, unknown>;
      return key in config ? config[key] : JSON.stringify(config.limits);
    };
    expect(read({ [name]: String(min) })).toEqual(key in parseConfig({}) ? min : expect.stringContaining(String(min)));
    expect(read({ [name]: String(max) })).toEqual(key in parseConfig({}) ? max : expect.stringContaining(String(max)));
    if (min > 0) refuses({ [name]: String(min - 1) }, name);
    refuses({ [name]: String(max + 1) }, name);
    refuses({ [name]: '1.5' }, name);
  });

  it('wires the lifetime settings to their fields', () => {
    expect(parseConfig({ SESSION_LIFETIME: '3600', INTERACTION_LIFETIME: '600', MAX_REQUEST_OBJECT_LIFETIME: '300', JWKS_MAX_AGE: '60', KEY_ROTATION_INTERVAL: '0' })).toMatchObject({
      sessionLifetime: 3600, interactionLifetime: 600, maxRequestObjectLifetime: 300, jwksMaxAge: 60, keyRotationInterval: 0,
    });
  });

  it('wires the failure limits into limits', () => {
    expect(parseConfig({ LOGIN_FAILURES_PER_ACCOUNT: '3', LOGIN_FAILURE_WINDOW: '60', CLIENT_AUTH_FAILURES: '7', CLIENT_AUTH_FAILURE_WINDOW: '30' }).limits).toEqual({
      loginPerAccount: { limit: 3, windowSeconds: 60 },
      loginPerIp: { limit: 20, windowSeconds: 60 },
      clientAuthFailures: { limit: 7, windowSeconds: 30 },
    });
  });

  it('names each setting once, with a meaning', () => {
    const names = (Object.values(SETTINGS) as Setting[]).map((s) => s.env);
    expect(new Set(names).size).toBe(names.length);
    for (const s of Object.values(SETTINGS) as Setting[]) expect(s.meaning.length, s.env).toBeGreaterThan(10);
  });

  it.each([
    ['http on a public host (RFC 8414 §2: https)', 'http://op.example'],
    ['a query (RFC 8414 §2)', 'https://op.example/?tenant=a'],
    ['a fragment (RFC 8414 §2)', 'https://op.example/#x'],
    ['an empty query (RFC 8414 §2)', 'https://op.example/?'],
    ['an empty fragment (RFC 8414 §2)', 'https://op.example/#'],
    ['not a URL', 'op.example'],
    ['another scheme', 'ftp://op.example'],
  ])('refuses an ISSUER with %s', (_label, value) => refuses({ ISSUER: value }, 'ISSUER'));

  it.each(['http://localhost:8787', 'http://127.0.0.1:9000', 'http://[::1]:8787', 'https://op.example/tenant'])('accepts ISSUER %s', (value) => {
    expect(parseConfig({ ISSUER: value }).issuer).toBe(value);
  });

  it('strips one trailing slash from ISSUER', () => {
    expect(parseConfig({ ISSUER: 'https://op.example/' }).issuer).toBe('https://op.example');
  });

  it.each(['4', '601', '60.5', '-1', 'sixty', ' 60'])('refuses PAR_LIFETIME=%s (5..600)', (value) => refuses({ PAR_LIFETIME: value }, 'PAR_LIFETIME'));

  it.each(['5', '600'])('accepts PAR_LIFETIME=%s at the bounds', (value) => {
    expect(parseConfig({ PAR_LIFETIME: value }).parLifetime).toBe(Number(value));
  });

  it.each(['PAR_ENABLED', 'REQUIRE_PAR', 'FAPI2', 'ALLOW_PKCE_PLAIN', 'REQUIRE_PKCE_FOR_ALL'])('refuses a non-boolean %s', (name) => {
    for (const value of ['yes', '1', 'TRUE', 'on']) refuses({ [name]: value }, name);
  });

  it('refuses a non-string setting (e.g. a JSON var)', () => refuses({ PAR_ENABLED: true }, 'PAR_ENABLED'));

  it('refuses an unknown SIGNING_ALGS entry', () => refuses({ SIGNING_ALGS: 'RS256,HS256' }, 'SIGNING_ALGS'));
  it('refuses SIGNING_ALGS without RS256 (OIDC Core §15.1)', () => refuses({ SIGNING_ALGS: 'ES256', ACCESS_TOKEN_ALG: 'ES256' }, 'SIGNING_ALGS'));
  it('refuses an ACCESS_TOKEN_ALG not in SIGNING_ALGS', () => refuses({ SIGNING_ALGS: 'RS256', ACCESS_TOKEN_ALG: 'ES256' }, 'ACCESS_TOKEN_ALG'));
  it('refuses an unknown ACCESS_TOKEN_ALG', () => refuses({ ACCESS_TOKEN_ALG: 'none' }, 'ACCESS_TOKEN_ALG'));

  it('accepts SIGNING_ALGS with spaces and a matching ACCESS_TOKEN_ALG', () => {
    const config = parseConfig({ SIGNING_ALGS: 'RS256, PS256', ACCESS_TOKEN_ALG: 'PS256' });
    expect(config.signingAlgs).toEqual(['RS256', 'PS256']);
    expect(config.accessTokenAlg).toBe('PS256');
  });

  it.each([
    ['CODE_LIFETIME', '601'], ['ACCESS_TOKEN_LIFETIME', '59'], ['CLOCK_SKEW', '301'],
    ['MAX_BODY_BYTES', '100'], ['CLIENT_CACHE_TTL', '-5'], ['MAX_JWT_LIFETIME', '10'], ['REFRESH_GRACE', 'x'],
  ])('refuses %s=%s out of range', (name, value) => refuses({ [name]: value }, name));

  it('treats an empty string as unset (wrangler --var NAME:)', () => {
    expect(parseConfig({ ADMIN_TOKEN: '', PAR_LIFETIME: '' })).toMatchObject({ adminToken: undefined, parLifetime: 60 });
  });

  it('parses once per env object', () => {
    const env = { PAR_LIFETIME: '30' };
    expect(getConfig(env)).toBe(getConfig(env));
    expect(getConfig({ ...env })).not.toBe(getConfig(env));
  });

  it('derives every endpoint from the issuer', () => {
    const urls = endpoints(parseConfig({ ISSUER: 'https://op.example/t' }));
    for (const url of Object.values(urls)) expect(url.startsWith('https://op.example/t/')).toBe(true);
    expect(urls.par).toBe('https://op.example/t/par');
  });
});

describe('test settings', () => {
  it('bind every setting explicitly, so a developer\'s .dev.vars cannot change what tests see (vitest.config.ts)', () => {
    const env = testEnv as unknown as Record<string, unknown>;
    for (const { env: name } of Object.values(SETTINGS) as Setting[]) expect(typeof env[name], name).toBe('string');
    expect(env.REQUIRE_PAR).toBe('');
  });
});

describe('README.md configuration table', () => {
  it('is the table generated from SETTINGS (run npm run docs:config after changing src/config.ts)', () => {
    const readme = (testEnv as unknown as { TEST_README_MD: string }).TEST_README_MD;
    expect(generatedSection(readme)).toBe(renderConfigTable());
  });

  it('lists every setting with its default and bounds', () => {
    const table = renderConfigTable();
    expect(table).toContain('| `SESSION_LIFETIME` | `43200` | 300–2592000 |');
    expect(table).toContain('| `ADMIN_TOKEN` (secret) | — | — |');
    expect(table.split('\n')).toHaveLength(Object.keys(SETTINGS).length + 2);
  });
});

describe('an app with an invalid setting', () => {
  it.each([
    ['ISSUER', { ISSUER: 'http://op.example' }],
    ['PAR_LIFETIME', { PAR_LIFETIME: '9999' }],
    ['PAR_ENABLED', { PAR_ENABLED: 'maybe' }],
    ['ACCESS_TOKEN_ALG', { ACCESS_TOKEN_ALG: 'HS256' }],
  ])('answers server_error naming %s on every endpoint rather than half-working', async (setting, env) => {
    const fetch = appWith(env);
    for (const path of ['/.well-known/openid-configuration', '/jwks', '/par']) {
      const res = await fetch(path, path === '/par' ? { method: 'POST' } : {});
      const body = await errorOf(res);
      expect({ status: body.status, error: body.error }).toEqual({ status: 500, error: 'server_error' });
      expect(body.error_description).toContain(setting);
    }
  });
});

describe('the lifetime settings reach the code that used constants', () => {
  it('INTERACTION_LIFETIME and SESSION_LIFETIME set the browser-binding and session cookie lifetimes (FAPI 2.0 §5.3.2.2 note 3)', async () => {
    const [reg, user] = await Promise.all([registerClient(), createUser()]);
    const request_uri = await pushRequest(reg, authzParams({ state: 's' }));
    const fetch = appWith({ INTERACTION_LIFETIME: '120', SESSION_LIFETIME: '900' });
    const jar = new Map<string, string>();
    const send = async (url: string | URL, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set('cf-connecting-ip', `198.51.100.${Math.floor(Math.random() * 254) + 1}`);
      if (jar.size) headers.set('cookie', [...jar].map(([k, v]) => `${k}=${v}`).join('; '));
      const res = await fetch(String(url), { ...init, headers, redirect: 'manual' });
      for (const [name, line] of setCookies(res)) jar.set(name, line.slice(name.length + 1).split(';')[0]!);
      return res;
    };
    const started = await send(authorizeUrl({ client_id: reg.client_id, request_uri }));
    expect(setCookies(started).get('__Host-portcullis_interaction')).toMatch(/Max-Age=120(;|$)/);
    const form = parseForm(await started.text());
    const loggedIn = await send(form.action, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://op.example' },
      body: new URLSearchParams({ ...form.fields, username: user.username, password: user.password }).toString(),
    });
    expect(setCookies(loggedIn).get('__Host-portcullis_session')).toMatch(/Max-Age=900(;|$)/);
  });
});
