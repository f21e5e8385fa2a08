import { describe, expect, it } from 'vitest';
import { createUser, registerClient } from '../helpers/admin';
import { authorizeUrl, callbackOf, newBrowser, parseForm, postForm, pushRequest, visit, type TestBrowser } from '../helpers/interaction';
import { pkce } from '../helpers/rp';
import { ISSUER } from '../helpers/worker';

/**
 * Parallel consumption of one request_uri (issue 4; RFC 9126 §4, DESIGN.md:
 * consumed atomically when the code is issued): several browsers carry the
 * same pushed request to the consent page, then all allow at once. Exactly one
 * gets a code; every other gets invalid_request_uri at the client.
 */
async function toConsentPage(browser: TestBrowser, url: URL, user: { username: string; password: string }) {
  let res = await visit(browser, url);
  for (let step = 0; step < 6; step++) {
    if (res.status === 302 || res.status === 303) {
      res = await visit(browser, new URL(res.headers.get('location')!, ISSUER));
      continue;
    }
    const html = await res.text();
    const form = parseForm(html);
    if (html.includes('name="decision"')) return form;
    res = await postForm(browser, form.action, { ...form.fields, username: user.username, password: user.password });
  }
  throw new Error('no consent page');
}

describe('parallel consumption of one request_uri', () => {
  it('lets exactly one of 6 parallel completions issue a code, in each of 3 rounds (RFC 9126 §4)', async () => {
    const client = await registerClient();
    const user = await createUser();
    for (let round = 0; round < 3; round++) {
      const request_uri = await pushRequest(client, {
        response_type: 'code', redirect_uri: 'https://rp.example/cb', scope: 'openid', state: `r${round}`,
        code_challenge_method: 'S256', code_challenge: (await pkce()).code_challenge, prompt: 'consent',
      });
      const url = authorizeUrl({ client_id: client.client_id, request_uri });
      const browsers = Array.from({ length: 6 }, () => newBrowser());
      const forms = await Promise.all(browsers.map((b) => toConsentPage(b, url, user)));
      const answers = await Promise.all(browsers.map((b, i) => postForm(b, forms[i]!.action, { ...forms[i]!.fields, decision: 'allow' })));
      const callbacks = await Promise.all(answers.map((res) => callbackOf(res)));
      const codes = callbacks.filter((cb) => cb?.params.get('code'));
      const refused = callbacks.filter((cb) => cb?.params.get('error') === 'invalid_request_uri');
      expect(codes).toHaveLength(1);
      expect(refused).toHaveLength(5);
      for (const cb of callbacks) expect(cb?.params.get('iss')).toBe(ISSUER);
    }
  });
});
