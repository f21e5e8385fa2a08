import type { PageContext } from './brand';
import { Layout } from './layout';

export interface PasswordResetPageProps {
  page: PageContext;
  action: string;
  csrf: string;
  token: string;
  error?: string;
}

/**
 * The form a one-time reset link opens: a new password, typed twice, with
 * the link's token and the CSRF token in hidden inputs. Works without
 * JavaScript; an error is announced and linked to the fields.
 */
export function PasswordResetPage(props: PasswordResetPageProps) {
  const describedBy = props.error ? 'reset-error' : undefined;
  return (
    <Layout title="Choose a new password" page={props.page}>
      <h1>Choose a new password</h1>
      {props.error && (
        <p class="alert" id="reset-error" role="alert">
          {props.error}
        </p>
      )}
      <form method="post" action={props.action} novalidate>
        <input type="hidden" name="csrf_token" value={props.csrf} />
        <input type="hidden" name="token" value={props.token} />
        <div class="field">
          <label for="password">New password</label>
          <input type="password" id="password" name="password" autocomplete="new-password" required autofocus minlength={8} maxlength={1024} aria-describedby={describedBy} />
        </div>
        <div class="field">
          <label for="password_confirm">New password again</label>
          <input type="password" id="password_confirm" name="password_confirm" autocomplete="new-password" required minlength={8} maxlength={1024} aria-describedby={describedBy} />
        </div>
        <button type="submit">Set password</button>
      </form>
    </Layout>
  );
}

/** What the user sees once the new password is set. */
export function PasswordResetDonePage(props: { page: PageContext }) {
  return (
    <Layout title="Password changed" page={props.page}>
      <h1>Password changed</h1>
      <p class="lead">Your new password is set. Sign in to the application again with it.</p>
    </Layout>
  );
}
