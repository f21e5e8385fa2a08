import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, registerClient } from '../helpers/admin';
import { encode, formBody, formContentType, fuzzRuns, headerValue, METHODS, value } from '../helpers/arbitraries';
import { checkFrontChannel, send, type Sent } from '../helpers/arbitraries-checks';
import { nearMiss } from '../helpers/arbitraries-tokens';
import { authorizeUrl, newBrowser, parseForm, postForm, pushRequest, visit, type TestBrowser } from '../helpers/interaction';
import { authzParams } from '../helpers/par';
import { ISSUER } from '../helpers/worker';

/**
 * The login and consent forms (DESIGN.md contract 4) under forged and broken
 * posts: wrong or missing CSRF tokens, foreign origins, missing or junk
 * cookies, unknown interaction ids, random fields.
 */
const REDIRECT = 'https://rp.example/cb';
const registered = new Map<string, string[]>();
let client: { client_id: string; client_secret?: string };

interface Page {
  browser: TestBrowser;
  action: string;
  fields: Record<string, string>;
}

async function openPage(user?: { username: string; password: string }): Promise<Page> {
  const browser = newBrowser();
  const request_uri = await pushRequest(client, authzParams({ state: 'st', nonce: 'n' }));
  let res = await visit(browser, authorizeUrl({ client_id: client.client_id, request_uri }));
  let form = parseForm(await res.text());
  if (user) {
    res = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
    expect(res.status).toBe(303);
    res = await visit(browser, new URL(res.headers.get('location')!, ISSUER));
    form = parseForm(await res.text());
  }
  return { browser, action: form.action, fields: form.fields };
}

beforeAll(async () => {
  client = await registerClient({ token_endpoint_auth_method: 'client_secret_basic' });
  registered.set(client.client_id, [REDIRECT]);
});

/** One forged or broken post to an interaction form of `page`. */
function interactionPost(page: Page, fields: Record<string, string>) {
  const id = page.action.split('/')[2]!;
  const suffix = page.action.split('/')[3]!;
  return fc.record({
    method: fc.oneof({ weight: 8, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom(...METHODS) }),
    id: fc.oneof({ weight: 4, arbitrary: fc.constant(id) }, { weight: 1, arbitrary: nearMiss(id) }, { weight: 1, arbitrary: value.map(encode) }),
    suffix: fc.oneof({ weight: 8, arbitrary: fc.constant(suffix) }, { weight: 1, arbitrary: fc.constantFrom('login', 'consent', '', 'x') }),
    body: formBody({ ...page.fields, ...fields }),
    csrf: fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: nearMiss(page.fields.csrf_token!) }),
    contentType: formContentType,
    origin: fc.option(fc.oneof(fc.constantFrom(ISSUER, 'null', 'https://evil.example', 'https://op.example.evil.example'), headerValue), { nil: undefined }),
    site: fc.option(fc.constantFrom('same-origin', 'same-site', 'cross-site', 'none', 'junk'), { nil: undefined }),
    cookies: fc.constantFrom('browser', 'none', 'junk'),
  });
}

async function fuzzForm(page: Page, fields: Record<string, string>, runs: number): Promise<Map<string, number>> {
  const { seed, numRuns } = fuzzRuns(runs);
  const outcomes = new Map<string, number>();
  const jar = [...page.browser.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  await fc.assert(
    fc.asyncProperty(interactionPost(page, fields), async (gen) => {
      const body = gen.csrf === undefined ? gen.body : `${gen.body}&csrf_token=${encode(gen.csrf)}`;
      const sent: Sent = {
        method: gen.method,
        path: `/interaction/${gen.id}/${gen.suffix}`,
        headers: {
          'content-type': gen.contentType, origin: gen.origin, 'sec-fetch-site': gen.site, 'cf-connecting-ip': page.browser.ip,
          cookie: gen.cookies === 'browser' ? jar : gen.cookies === 'junk' ? '__Host-portcullis_interaction=AAAA; __Host-portcullis_session=BBBB' : undefined,
        },
        body,
      };
      const res = await send(sent);
      const { status, destination } = await checkFrontChannel(res, sent, registered, client.client_id);
      // No generated login carries the right password, so none may start a session.
      const setCookie = res.headers.get('set-cookie') ?? '';
      if (gen.suffix === 'login' && /portcullis_session=[^;]/.test(setCookie)) throw new Error(`a forged login started a session: ${JSON.stringify(sent)}`);
      const outcome = `${status} ${destination === null ? 'page' : new URL(destination).origin === ISSUER ? 'self' : 'client'}`;
      outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
    }),
    { seed, numRuns },
  );
  return outcomes;
}

describe('login and consent forms under bad input (DESIGN.md contract 4; RFC 6749 §10.12; issue 4)', () => {
  it('login: never 5xx, never a session without the password, never a redirect to an unregistered URI', async () => {
    const page = await openPage();
    const outcomes = await fuzzForm(page, { username: 'nobody', password: 'wrong password' }, 20);
    console.log(`/interaction/:id/login: ${[...outcomes].map(([k, n]) => `${k}×${n}`).join(', ')}`);
  }, fuzzRuns(20).timeout);

  it('consent: never 5xx, never a redirect to an unregistered URI', async () => {
    const user = await createUser();
    const page = await openPage(user);
    const outcomes = await fuzzForm(page, { decision: 'deny' }, 30);
    console.log(`/interaction/:id/consent: ${[...outcomes].map(([k, n]) => `${k}×${n}`).join(', ')}`);
  }, fuzzRuns(30).timeout);
});
