import type { PageContext } from './brand';
import { Layout } from './layout';
import type { MessageKey } from './messages';

export interface ErrorPageProps {
  page: PageContext;
  status: number;
  message: string;
  code?: string;
  requestId?: string;
  /** The application the user came from, when known: its name and https `client_uri` (RFC 7591 §2), linked back to. */
  back?: { name: string; uri: string };
}

/** Error descriptions are written for developers in lower case; the page shows them as a sentence. */
function sentence(text: string): string {
  const s = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(s) ? s : `${s}.`;
}

const TITLES: Record<number, MessageKey> = { 403: 'error.title.403', 429: 'error.title.429', 500: 'error.title.500' };

/**
 * Shown instead of a redirect when the client or its redirect_uri cannot be
 * trusted (RFC 6749 §4.1.2.1), or the error may not be sent to it: what went
 * wrong, and a way on (the application's home page when it registered an
 * https one, else "close this window").
 */
export function ErrorPage(props: ErrorPageProps) {
  const { i18n } = props.page;
  const title = i18n.t(TITLES[props.status] ?? 'error.title.other');
  return (
    <Layout title={title} page={props.page}>
      <h1>{title}</h1>
      <p class="alert" role="alert">
        {sentence(props.message)}
      </p>
      <p class="lead">{i18n.t('error.lead')}</p>
      {props.back ? (
        <p>
          <a href={props.back.uri} rel="noopener noreferrer">{i18n.t('error.backTo', { client: props.back.name })}</a>
        </p>
      ) : (
        <p class="lead">{i18n.t('error.close')}</p>
      )}
      {(props.code || props.requestId) && (
        <p class="meta">
          {props.code && <>{i18n.rich('error.code', { code: <code>{props.code}</code> })} </>}
          {props.requestId && i18n.rich('error.requestId', { id: <code>{props.requestId}</code> })}
        </p>
      )}
    </Layout>
  );
}
