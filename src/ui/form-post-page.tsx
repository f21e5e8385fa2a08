import { Layout } from './layout';

/** The script that submits the form; its nonce is in the page's CSP (`script-src 'nonce-…'`). */
const SUBMIT = 'document.forms[0].submit();';

/**
 * OAuth 2.0 Form Post Response Mode §2: the response as hidden fields of a form
 * that submits itself, with a button for browsers without JavaScript.
 */
export function FormPostPage(props: { nonce: string; action: string; fields: Record<string, string> }) {
  return (
    <Layout title="Returning to the application" nonce={props.nonce}>
      <h1>Returning to the application…</h1>
      <form method="post" action={props.action}>
        {Object.entries(props.fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <noscript>
          <p class="lead">JavaScript is off. Press the button to continue.</p>
          <button type="submit">Continue</button>
        </noscript>
      </form>
      <script nonce={props.nonce} dangerouslySetInnerHTML={{ __html: SUBMIT }} />
    </Layout>
  );
}
