/**
 * The ways off an interaction's page that leave no one stuck: "cancel and
 * return to the application" (access_denied to the client, RFC 6749
 * §4.1.2.1) and, on the consent page, "not you? sign in as someone else"
 * (OpenID Connect Core §3.1.2.3: a fresh login). Each is its own CSRF-protected
 * form after the page's main form, posting to its own path.
 */
import type { Translator } from './messages';

export function CancelForm(props: { action: string; csrf: string; i18n: Translator }) {
  return (
    <form method="post" action={props.action} class="aside">
      <input type="hidden" name="csrf_token" value={props.csrf} />
      <button type="submit" class="secondary">{props.i18n.t('interaction.cancel')}</button>
    </form>
  );
}

export function SwitchAccountForm(props: { action: string; csrf: string; i18n: Translator }) {
  return (
    <form method="post" action={props.action} class="meta">
      <input type="hidden" name="csrf_token" value={props.csrf} />
      <button type="submit" class="link">{props.i18n.t('consent.notYou')}</button>
    </form>
  );
}
