// The pushed authorization request endpoint refuses what it must (RFC 9126):
// a client without credentials gets 401 invalid_client (§2.3, RFC 6749 §5.2),
// a GET gets 405 (§2: POST only), and neither answer may be cached.
import { request } from './http.mjs';
import { described, fail, pass, skip } from './result.mjs';

export async function checkPar(meta) {
  const url = meta.pushed_authorization_request_endpoint;
  if (!url) return [skip('par.unauthenticated', 'PAR refuses an unauthenticated client with 401', 'no pushed_authorization_request_endpoint advertised')];
  const lines = [];
  const anonymous = await request(url, { method: 'POST', form: { response_type: 'code', client_id: `portcullis-check-${crypto.randomUUID()}`, redirect_uri: 'https://check.invalid/cb', scope: 'openid' } });
  const title = 'PAR refuses an unauthenticated client with 401 invalid_client';
  if (anonymous.status === 401 && anonymous.json?.error === 'invalid_client') lines.push(pass('par.unauthenticated', title, `POST without credentials → ${described(anonymous)}`));
  else lines.push(fail('par.unauthenticated', title, `POST without credentials → ${described(anonymous)} (RFC 9126 §2.3, RFC 6749 §5.2)`));

  const get = await request(url);
  const allow = get.headers.get('allow');
  const getTitle = 'PAR answers GET with 405';
  if (get.status === 405) lines.push(pass('par.get', getTitle, `GET → 405${allow ? `, Allow: ${allow}` : ''}`));
  else lines.push(fail('par.get', getTitle, `GET → ${described(get)} (RFC 9126 §2: POST only)`));

  const stored = [anonymous, get].filter((r) => r.status && !/no-store/i.test(r.headers.get('cache-control') ?? ''));
  const storeTitle = 'PAR error responses are Cache-Control: no-store';
  lines.push(stored.length ? fail('par.no_store', storeTitle, `Cache-Control "${stored[0].headers.get('cache-control') ?? ''}" (RFC 9126 §2.2)`) : pass('par.no_store', storeTitle));
  return lines;
}
