import { Layout } from './layout';

export interface ErrorPageProps {
  nonce: string;
  title: string;
  message: string;
  code?: string;
  requestId?: string;
}

/** Error descriptions are written for developers in lower case; the page shows them as a sentence. */
function sentence(text: string): string {
  const s = text.charAt(0).toUpperCase() + text.slice(1);
  return /[.!?)]$/.test(s) ? s : `${s}.`;
}

/** Shown instead of a redirect when the client or its redirect_uri cannot be trusted (RFC 6749 §4.1.2.1). */
export function ErrorPage(props: ErrorPageProps) {
  return (
    <Layout title={props.title} nonce={props.nonce}>
      <h1>{props.title}</h1>
      <p class="alert" role="alert">
        {sentence(props.message)}
      </p>
      <p class="lead">Return to the application you came from and start again.</p>
      {(props.code || props.requestId) && (
        <p class="meta">
          {props.code && (
            <>
              Error: <code>{props.code}</code>.{' '}
            </>
          )}
          {props.requestId && (
            <>
              Request id: <code>{props.requestId}</code>
            </>
          )}
        </p>
      )}
    </Layout>
  );
}
