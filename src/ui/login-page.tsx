import type { PageContext } from './brand';
import { CancelForm } from './interaction-exits';
import { Layout } from './layout';
import { waitInWords, type Translator } from './messages';

/** Why a sign-in was refused: the one message for a wrong name or password (no enumeration), or throttling with its wait. */
export type LoginError = { kind: 'invalid' } | { kind: 'throttled'; retry_after: number };

/**
 * The refusal in words. The throttled message names how long to wait, the
 * same wait as the `Retry-After` header (RFC 9110 §10.2.3); its limiters are
 * keyed by the name as typed, so it reads the same for an unknown account.
 */
export function loginErrorText(i18n: Translator, error: LoginError): string {
  if (error.kind === 'invalid') return i18n.t('login.badCredentials');
  return i18n.t('login.throttled', { wait: waitInWords(i18n, error.retry_after) });
}

export interface LoginPageProps {
  page: PageContext;
  action: string;
  /** Where "cancel and return to the application" posts. */
  cancelAction: string;
  csrf: string;
  clientName: string;
  username?: string;
  error?: LoginError;
}

/**
 * The sign-in form (DESIGN.md contract 4): `username`, `password` and the
 * CSRF token in a hidden input. Works without JavaScript; the error, when
 * shown, is announced and linked to the fields it concerns.
 */
export function LoginPage(props: LoginPageProps) {
  const { i18n } = props.page;
  const describedBy = props.error ? 'login-error' : undefined;
  return (
    <Layout title={i18n.t('login.title')} page={props.page}>
      <h1>{i18n.t('login.title')}</h1>
      <p class="lead">{i18n.rich('login.lead', { client: <strong>{props.clientName}</strong> })}</p>
      {props.error && (
        <p class="alert" id="login-error" role="alert">
          {loginErrorText(i18n, props.error)}
        </p>
      )}
      <form method="post" action={props.action} novalidate>
        <input type="hidden" name="csrf_token" value={props.csrf} />
        <div class="field">
          <label for="username">{i18n.t('login.username')}</label>
          <input
            type="text" id="username" name="username" value={props.username ?? ''} autocomplete="username"
            autocapitalize="none" spellcheck={false} required autofocus={!props.username} maxlength={64} aria-describedby={describedBy}
          />
        </div>
        <div class="field">
          <label for="password">{i18n.t('login.password')}</label>
          <input
            type="password" id="password" name="password" autocomplete="current-password" required autofocus={!!props.username}
            maxlength={1024} aria-describedby={describedBy}
          />
        </div>
        <button type="submit">{i18n.t('login.submit')}</button>
      </form>
      <CancelForm action={props.cancelAction} csrf={props.csrf} i18n={i18n} />
    </Layout>
  );
}
