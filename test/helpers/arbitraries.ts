import { env } from 'cloudflare:workers';
import fc from 'fast-check';

/**
 * fast-check arbitraries for bad input (issue 4): form bodies, query strings,
 * headers, JWTs and JSON as an attacker or a broken client sends them. Every
 * generated request is plain data, so a failing case prints as it was sent.
 */

/** The seed and run count of a property: fixed in `npm test`, overridden by `FUZZ_SEED` / `FUZZ_RUNS` (scripts/fuzz.mjs). */
export function fuzzRuns(defaultRuns: number): { seed: number; numRuns: number; timeout: number } {
  const bindings = env as unknown as Record<string, unknown>;
  const asInt = (v: unknown) => (typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : typeof v === 'number' && Number.isInteger(v) ? v : undefined);
  const numRuns = asInt(bindings.FUZZ_RUNS) || defaultRuns;
  const seed = asInt(bindings.FUZZ_SEED) ?? 20261121;
  // Generous per-test timeout: a long fuzz run must not be cut by vitest's 20 s default.
  return { seed, numRuns, timeout: 30_000 + numRuns * 400 };
}

/** Every OAuth / OpenID Connect request parameter name an endpoint here reads. */
export const OAUTH_PARAMS = [
  'response_type', 'client_id', 'redirect_uri', 'scope', 'state', 'nonce', 'code_challenge', 'code_challenge_method',
  'response_mode', 'prompt', 'max_age', 'login_hint', 'acr_values', 'ui_locales', 'id_token_hint', 'claims',
  'request', 'request_uri', 'client_secret', 'client_assertion', 'client_assertion_type', 'grant_type', 'code',
  'code_verifier', 'refresh_token', 'token', 'token_type_hint', 'access_token', 'username', 'password',
  'csrf_token', 'decision', 'resource', 'audience', 'dpop_jkt',
] as const;

/** Values that break naive parsers: empty, NUL, controls, bidi, astral, very long. */
const SPECIAL_VALUES = [
  '', ' ', '\0', 'a\0b', '\r\n', '\t', '\u202e', '\ufeff', '\uffff', '😀', '%', '%%', '+', '&', '=', '"', "'", '\\', '<script>',
  'null', 'undefined', 'true', '[]', '{}', '{"a":', '__proto__', 'constructor', 'toString', 'hasOwnProperty',
  'NaN', '-1', '0', '1e309', '9'.repeat(40), 'S256', 'plain', 'code', 'none', 'openid', 'openid offline_access',
  'https://evil.example/cb', 'https://rp.example/cb', 'https://rp.example/cb/', 'https://rp.example/cb?x=1',
  'https://rp.example/cb#f', 'HTTPS://RP.EXAMPLE/cb', 'javascript:alert(1)', 'urn:ietf:params:oauth:request_uri:',
  'urn:ietf:params:oauth:request_uri:' + 'A'.repeat(43), 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
  'authorization_code', 'refresh_token', 'client_credentials', 'password', 'allow', 'deny',
] as const;

/** A decoded value: random unicode, special values, or long runs around the limits (4 KiB parameter, 64 KiB body). */
export const value: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 4, arbitrary: fc.constantFrom(...SPECIAL_VALUES) },
  { weight: 1, arbitrary: fc.constantFrom(128, 4095, 4096, 4097, 9000, 40_000).map((n) => 'a'.repeat(n)) },
);

/** Percent-encodes `s` like a form; lone surrogates become their (invalid) CESU-8 bytes, e.g. %ED%A0%80. */
export function encode(s: string): string {
  let out = '';
  for (const ch of s) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xd800 && code <= 0xdfff) {
      out += `%${(0xe0 | (code >> 12)).toString(16).toUpperCase()}%${(0x80 | ((code >> 6) & 0x3f)).toString(16).toUpperCase()}%${(0x80 | (code & 0x3f)).toString(16).toUpperCase()}`;
    } else out += encodeURIComponent(ch);
  }
  return out;
}

/** Raw (already encoded) fragments that no encoder produces: broken escapes, invalid UTF-8, lone surrogates. */
const RAW_FRAGMENTS = ['%', '%0', '%zz', '%00', '%ED%A0%80', '%ED%BF%BF', '%C0%80', '%FF', '%F4%90%80%80', '%E2%82', '+', '%2B', '%26', '%3D', '&', '=', '%0D%0A', '%E2%80%AE'];

/** An encoded form value: properly encoded, or with raw fragments spliced in. */
export const rawValue: fc.Arbitrary<string> = fc.oneof(
  { weight: 5, arbitrary: value.map(encode) },
  { weight: 2, arbitrary: fc.array(fc.oneof(fc.constantFrom(...RAW_FRAGMENTS), value.map(encode)), { maxLength: 5 }).map((p) => p.join('')) },
);

export const paramName: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...OAUTH_PARAMS) },
  { weight: 1, arbitrary: fc.constantFrom('', '__proto__', 'constructor', 'client_id ', 'Client_Id', 'scope[]', 'a\0') },
  { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
);

/** One encoded `name=value` pair, sometimes without `=` or with an empty name. */
export const pair: fc.Arbitrary<string> = fc.oneof(
  { weight: 8, arbitrary: fc.tuple(paramName, rawValue).map(([n, v]) => `${encode(n)}=${v}`) },
  { weight: 1, arbitrary: paramName.map(encode) },
  { weight: 1, arbitrary: fc.constantFrom('', '=', '&', '==', '=x') },
);

/**
 * A form body: an optional base of valid parameters (so many requests get
 * deep), each kept, dropped or given a random value, plus a few random pairs
 * and, now and then, a repeated pair.
 */
export function formBody(base: Record<string, string> = {}): fc.Arbitrary<string> {
  const baseEntries = Object.entries(base);
  const fate = fc.oneof({ weight: 12, arbitrary: fc.constant<'keep'>('keep') }, { weight: 1, arbitrary: fc.constant<'drop'>('drop') }, { weight: 2, arbitrary: rawValue });
  const few = <T>(arb: fc.Arbitrary<T>) => fc.oneof({ weight: 2, arbitrary: fc.constant<T[]>([]) }, { weight: 3, arbitrary: fc.array(arb, { minLength: 1, maxLength: 4 }) });
  return fc
    .record({
      fates: fc.array(fate, { minLength: baseEntries.length, maxLength: baseEntries.length }),
      extra: few(pair),
      repeat: fc.oneof({ weight: 8, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat() }),
    })
    .map(({ fates, extra, repeat }) => {
      const pairs: string[] = [];
      baseEntries.forEach(([n, v], i) => {
        const f = fates[i]!;
        if (f !== 'drop') pairs.push(`${encode(n)}=${f === 'keep' ? encode(v) : f}`);
      });
      pairs.push(...extra);
      if (repeat !== undefined && pairs.length > 0) pairs.push(pairs[repeat % pairs.length]!);
      return pairs.join('&');
    });
}

/** Header-safe ASCII (no CR, LF, NUL), controls included. (Bytes 0x80-0xFF are re-encoded as UTF-8 by the test transport, so they are left out.) */
export const headerValue: fc.Arbitrary<string> = fc
  .string({ unit: fc.integer({ min: 0x01, max: 0x7f }).filter((c) => c !== 0x0a && c !== 0x0d).map((c) => String.fromCharCode(c)), maxLength: 60 });

/** Content-Type values: the right one with parameters and odd case, wrong ones, junk; undefined = header absent. */
export const formContentType: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant('application/x-www-form-urlencoded') },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      'application/x-www-form-urlencoded; charset=UTF-8', 'application/x-www-form-urlencoded;charset=iso-8859-1',
      'APPLICATION/X-WWW-FORM-URLENCODED', 'application/x-www-form-urlencoded ; boundary=x', 'application/x-www-form-urlencoded,text/plain',
      'application/json', 'text/plain', 'multipart/form-data; boundary=xyz', 'application/x-www-form-urlencodedx', '*/*', ';', '',
    ),
  },
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: headerValue },
);

/** base64 of arbitrary bytes (as latin1), for Basic credentials. */
const b64 = (s: string) => btoa(s);

/** Authorization header values: random schemes, malformed Basic and Bearer; undefined = absent. */
export const authorization: fc.Arbitrary<string | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constantFrom('Basic', 'Basic ', 'Basic =', 'Basic !!!!', 'Basic Og==', 'Basic YTo=', 'Basic OmI=', 'basic YTpi', 'BASIC YTpi', 'Basic YTpi YTpi', 'Bearer', 'Bearer ', 'Bearer a b', 'Bearer ====', 'DPoP x', 'Digest x', 'Negotiate', ''),
  fc.tuple(headerValue, headerValue).map(([id, secret]) => `Basic ${b64(`${id}:${secret}`)}`),
  fc.tuple(fc.constantFrom('%', '%zz', '%ED%A0%80', '%C0', 'a+b', '%00'), headerValue).map(([id, secret]) => `Basic ${b64(`${id}:${secret}`)}`),
  headerValue.map((v) => `Basic ${v}`),
  headerValue.map((v) => `Bearer ${v}`),
  fc.tuple(fc.stringMatching(/^[A-Za-z!#$%&'*+.^_`|~-]{1,12}$/), headerValue).map(([s, v]) => `${s} ${v}`),
);

/** base64url without padding. */
export function b64url(s: string | Uint8Array): string {
  const bytes = typeof s === 'string' ? new TextEncoder().encode(s) : s;
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

const ALGS = ['none', 'None', 'NONE', '', 'HS256', 'HS512', 'RS256', 'PS256', 'ES256', 'ES512', 'EdDSA', 'Ed25519', 'RSA-OAEP', 'dir', 'A128KW'] as const;

/** A JWT header: alg variants (also non-string), kid, typ, crit, b64:false, self-declared keys, or arbitrary JSON. */
export const jwtHeader: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      alg: fc.oneof(fc.constantFrom(...ALGS), fc.constantFrom(null, 1, true, [] as string[], {})),
      kid: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(1)),
      typ: fc.constantFrom('JWT', 'at+jwt', 'oauth-authz-req+jwt', 'JOSE', 1),
      crit: fc.constantFrom(['b64'], ['exp'], [], 'x'),
      b64: fc.boolean(),
      jku: fc.constant('https://evil.example/jwks'),
      jwk: fc.constant({ kty: 'oct', k: 'AAAA' }),
      x5c: fc.constant(['MIIB']),
      enc: fc.constantFrom('A128GCM', 'A256GCM'),
      zip: fc.constant('DEF'),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 3 }),
);

/** JWT claims: the registered ones with wrong types and extreme values, or arbitrary JSON. */
export const jwtClaims: fc.Arbitrary<unknown> = fc.oneof(
  fc.record(
    {
      iss: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(1)),
      sub: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(null)),
      aud: fc.oneof(fc.constant('https://op.example'), fc.array(fc.string({ maxLength: 10 }), { maxLength: 3 }), fc.constant({})),
      exp: fc.oneof(fc.integer(), fc.constantFrom(1e308, -1, 0, 2 ** 53, '9999999999', null), fc.double()),
      iat: fc.oneof(fc.integer(), fc.constantFrom('now', 1e308)),
      nbf: fc.oneof(fc.integer(), fc.constantFrom(1e308)),
      jti: fc.oneof(fc.string({ maxLength: 300 }), fc.constantFrom(1, {}, [])),
      client_id: fc.oneof(fc.string({ maxLength: 20 }), fc.constant(7)),
      scope: fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom(1, ['openid'])),
      response_type: fc.constantFrom('code', 1, ['code']),
      redirect_uri: fc.constantFrom('https://rp.example/cb', 'https://evil.example/cb', 1),
      request: fc.constant('x'),
      request_uri: fc.constant('x'),
      claims: fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constant('{')),
      nonce: fc.oneof(fc.string({ maxLength: 10 }), fc.constant(1.5)),
      max_age: fc.constantFrom(-1, 1.5, 1e21, '10', 0),
    },
    { requiredKeys: [] },
  ),
  fc.jsonValue({ maxDepth: 4 }),
);

/** Malformed JWT text: bad base64, bad JSON, wrong segment counts, huge headers, nesting, JWE-shaped. */
export const badJwt: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(jwtHeader, jwtClaims, fc.string({ maxLength: 20 })).map(([h, c, s]) => `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(c))}.${b64url(s)}`),
  fc.tuple(jwtHeader, jwtClaims).map(([h, c]) => `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(c))}.`),
  fc.tuple(fc.string({ maxLength: 30 }), fc.string({ maxLength: 30 })).map(([h, c]) => `${b64url(h)}.${b64url(c)}.sig`),
  fc.constantFrom('', '.', '..', '...', 'a.b', 'a.b.c.d', 'a.b.c.d.e', '!!!.@@@.###', '=.=.=', 'eyJ.eyJ.', 'eyJhbGciOiJub25lIn0.e30.', 'eyJhbGciOiJIUzI1NiJ9.e30.' + 'A'.repeat(43)),
  fc.constantFrom(10_000, 60_000).map((n) => `${b64url(JSON.stringify({ alg: 'RS256', kid: 'k'.repeat(n) }))}.${b64url('{}')}.sig`),
  fc.tuple(jwtHeader, jwtClaims).map(([h, c]) => {
    const inner = `${b64url(JSON.stringify(h))}.${b64url(JSON.stringify(c))}.`;
    return `${b64url(JSON.stringify({ alg: 'none', cty: 'JWT' }))}.${b64url(inner)}.`;
  }),
  fc.array(fc.string({ maxLength: 20 }), { minLength: 1, maxLength: 6 }).map((parts) => parts.map(b64url).join('.')),
);

/** Methods other than the endpoint's own. Bodies are only sent where fetch allows them (not GET/HEAD). */
export const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'] as const;

/** A query string of random pairs (encoded), sometimes with repeats and broken escapes. */
export const queryString: fc.Arbitrary<string> = formBody();

/** Random JSON for the admin API: deep nesting, wrong types, huge arrays, prototype keys. */
export const junkJson: fc.Arbitrary<string> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v)),
  fc.constantFrom('', ' ', '{', '}', '[', 'nul', '{"a":1,}', "{'a':1}", '\ufeff{}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{}}}'),
  fc.integer({ min: 100, max: 20_000 }).map((n) => '['.repeat(n) + ']'.repeat(n)),
  fc.integer({ min: 100, max: 20_000 }).map((n) => '{"a":'.repeat(n) + '1' + '}'.repeat(n)),
  fc.constantFrom(1000, 10_000).map((n) => JSON.stringify(Array.from({ length: n }, (_, i) => i))),
);
