import type { PageContext } from './brand';
import { Layout } from './layout';

/** The script that submits the form; its nonce is in the page's CSP (`script-src 'nonce-…'`). */
const SUBMIT = 'document.forms[0].submit();';

/**
 * OAuth 2.0 Form Post Response Mode §2: the response as hidden fields of a form
 * that submits itself, with a button for browsers without JavaScript.
 */
export function FormPostPage(props: { page: PageContext; action: string; fields: Record<string, string> }) {
  const { i18n, nonce } = props.page;
  return (
    <Layout title={i18n.t('formPost.title')} page={props.page}>
      <h1>{i18n.t('formPost.heading')}</h1>
      <form method="post" action={props.action}>
        {Object.entries(props.fields).map(([name, value]) => (
          <input type="hidden" name={name} value={value} />
        ))}
        <noscript>
          <p class="lead">{i18n.t('formPost.noscript')}</p>
          <button type="submit">{i18n.t('formPost.continue')}</button>
        </noscript>
      </form>
      <script nonce={nonce} dangerouslySetInnerHTML={{ __html: SUBMIT }} />
    </Layout>
  );
}
