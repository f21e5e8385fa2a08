import type { PageContext } from './brand';
import { Layout } from './layout';

/** Seconds the signed-out page waits for the RPs' front-channel frames before it continues without JavaScript. */
export const FRONTCHANNEL_REFRESH_SECONDS = 5;
/** Milliseconds the script waits at most for the frames' `load` (Front-Channel Logout §3: a bounded wait). */
export const FRONTCHANNEL_WAIT_MS = 3000;

export interface LogoutConfirmPageProps {
  page: PageContext;
  action: string;
  csrf: string;
  /** The logout request's parameters, carried to the confirming POST. */
  fields: Record<string, string>;
  clientName?: string;
}

/**
 * Asks the user to confirm a logout that arrived without an id_token_hint for
 * this session (RP-Initiated Logout §2, §6): a page of another site cannot
 * sign the user out, because the form carries a CSRF token.
 */
export function LogoutConfirmPage(props: LogoutConfirmPageProps) {
  const { i18n, brand } = props.page;
  return (
    <Layout title={i18n.t('logout.title')} page={props.page}>
      <h1>{i18n.t('logout.heading')}</h1>
      <p class="lead">
        {props.clientName
          ? i18n.rich('logout.askedBy', { client: <strong>{props.clientName}</strong>, product: brand.name })
          : i18n.t('logout.ask', { product: brand.name })}
      </p>
      <form method="post" action={props.action}>
        <input type="hidden" name="csrf_token" value={props.csrf} />
        {Object.entries(props.fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <button type="submit" name="decision" value="logout">{i18n.t('logout.submit')}</button>
      </form>
      <p class="meta">{i18n.t('logout.stay')}</p>
    </Layout>
  );
}

const FRAME_CSS = '.fc{position:absolute;width:0;height:0;border:0;visibility:hidden}';

/** Continues to `next` once every frame has loaded, or after the bounded wait, whichever comes first. */
function continueScript(next: string): string {
  return `(function(){var next=${JSON.stringify(next).replace(/</g, '\\u003c')};var done=false;function go(){if(!done){done=true;location.replace(next);}}`
    + `var frames=document.querySelectorAll('iframe.fc');var left=frames.length;if(!left)go();`
    + `frames.forEach(function(f){f.addEventListener('load',function(){if(--left===0)go();});});setTimeout(go,${FRONTCHANNEL_WAIT_MS});})();`;
}

export interface SignedOutPageProps {
  page: PageContext;
  /** Front-Channel Logout §3: one hidden frame per RP logout URI. */
  frames: string[];
  /** The validated post-logout redirect (with state), when there is one. */
  next: string | null;
}

/**
 * The page after logout: "signed out", one hidden iframe per RP that
 * registered a front-channel logout URI, and, when the RP asked to get the
 * browser back, a bounded wait then the redirect: by script as soon as the
 * frames load, by meta refresh without script, by a link as a last resort.
 */
export function SignedOutPage(props: SignedOutPageProps) {
  const { i18n, nonce } = props.page;
  const head = props.next ? <meta http-equiv="refresh" content={`${FRONTCHANNEL_REFRESH_SECONDS};url=${props.next}`} /> : undefined;
  return (
    <Layout title={i18n.t('signedOut.title')} page={props.page} extraCss={FRAME_CSS} head={head}>
      <h1>{i18n.t('signedOut.heading')}</h1>
      <p class="lead">{i18n.t(props.next ? 'signedOut.returning' : 'signedOut.close')}</p>
      {props.frames.map((src) => (
        <iframe class="fc" src={src} title={i18n.t('signedOut.frame')} aria-hidden="true" tabindex={-1} />
      ))}
      {props.next && (
        <>
          <p class="meta">
            <a id="continue" href={props.next}>{i18n.t('signedOut.continue')}</a>
          </p>
          <script nonce={nonce} dangerouslySetInnerHTML={{ __html: continueScript(props.next) }} />
        </>
      )}
    </Layout>
  );
}
