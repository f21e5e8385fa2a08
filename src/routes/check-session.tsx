import { Hono } from 'hono';
import type { AppEnv } from '../app-env';
import { randomToken } from '../crypto/random';
import { cookieName } from '../http/session';
import { MethodNotAllowed } from '../oauth/errors';
import { renderDocument } from '../ui/layout';

/**
 * The check_session_iframe (OpenID Connect Session Management 1.0 §3.2, §4).
 * An RP frames this page and posts `client_id + " " + session_state`; the
 * script recomputes session_state from the message's origin, the OP
 * browser-state cookie and the salt, and answers `unchanged`, `changed` or
 * `error` to that origin only. It accepts messages only from its parent frame
 * (§4), whose origin, where the browser reports it, must be the sender's.
 *
 * This is the one page without `frame-ancestors 'none'` / `X-Frame-Options`:
 * being framed by any RP is its purpose. It holds no form, no secret and no
 * action a frame could be tricked into (clickjacking needs something to click);
 * it only reads a public cookie and answers whoever framed it.
 */
export const checkSessionRoutes = new Hono<AppEnv>();

/** The page's script; `cookie` is the browser-state cookie's name. Hashing must match oauth/session-state.ts. */
function script(cookie: string): string {
  return `(function(){var NAME=${JSON.stringify(cookie)};
function state(){var all=document.cookie?document.cookie.split('; '):[];for(var i=0;i<all.length;i++){var k=all[i].indexOf('=');if(all[i].slice(0,k)===NAME)return all[i].slice(k+1);}return '';}
function b64url(buf){var b=new Uint8Array(buf),s='';for(var i=0;i<b.length;i++)s+=String.fromCharCode(b[i]);return btoa(s).replace(/\\+/g,'-').replace(/\\//g,'_').replace(/=+$/,'');}
window.addEventListener('message',function(e){
if(e.source!==window.parent)return;
var anc=location.ancestorOrigins,top=anc&&anc.length?anc[0]:'';if(top&&top!=='null'&&top!==e.origin)return;
function reply(s){e.source.postMessage(s,e.origin==='null'?'*':e.origin);}
if(typeof e.data!=='string')return reply('error');
var sp=e.data.lastIndexOf(' ');if(sp<1)return reply('error');
var clientId=e.data.slice(0,sp),ss=e.data.slice(sp+1),dot=ss.lastIndexOf('.');if(dot<1||dot===ss.length-1)return reply('error');
var salt=ss.slice(dot+1);
crypto.subtle.digest('SHA-256',new TextEncoder().encode(clientId+' '+e.origin+' '+state()+' '+salt)).then(function(d){reply(b64url(d)+'.'+salt===ss?'unchanged':'changed');},function(){reply('error');});
});})();`;
}

checkSessionRoutes.get('/', (c) => {
  const nonce = randomToken(16);
  const body = renderDocument(
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>check_session</title>
      </head>
      <body>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: script(cookieName(c.get('services').config, 'browser_state')) }} />
      </body>
    </html>,
  );
  return c.html(body, 200, {
    // No frame-ancestors: RPs of any origin frame this page (see above). Nothing else may load or run.
    'Content-Security-Policy': `default-src 'none'; script-src 'nonce-${nonce}'; base-uri 'none'; form-action 'none'`,
    'Cache-Control': 'no-store',
    'Referrer-Policy': 'no-referrer',
    'X-Content-Type-Options': 'nosniff',
  });
});

checkSessionRoutes.all('/', () => {
  throw new MethodNotAllowed('the check_session_iframe is fetched with GET (Session Management §3.2)', { headers: { Allow: 'GET' } });
});
