import { Layout } from './layout';

export interface LoginPageProps {
  nonce: string;
  action: string;
  csrf: string;
  clientName: string;
  username?: string;
  error?: string;
}

/**
 * The throttled sign-in message, naming the same wait as the `Retry-After`
 * header (RFC 9110 §10.2.3): seconds under a minute, else whole minutes rounded up.
 */
export function throttledMessage(retryAfter: number): string {
  const wait = retryAfter < 60
    ? `${retryAfter} second${retryAfter === 1 ? '' : 's'}`
    : `${Math.ceil(retryAfter / 60)} minute${Math.ceil(retryAfter / 60) === 1 ? '' : 's'}`;
  return `Too many sign-in attempts. Try again in ${wait}.`;
}

/**
 * The sign-in form (DESIGN.md contract 4): `username`, `password` and the
 * CSRF token in a hidden input. Works without JavaScript; the error, when
 * shown, is announced and linked to the fields it concerns.
 */
export function LoginPage(props: LoginPageProps) {
  const describedBy = props.error ? 'login-error' : undefined;
  return (
    <Layout title="Sign in" nonce={props.nonce}>
      <h1>Sign in</h1>
      <p class="lead">
        to continue to <strong>{props.clientName}</strong>
      </p>
      {props.error && (
        <p class="alert" id="login-error" role="alert">
          {props.error}
        </p>
      )}
      <form method="post" action={props.action} novalidate>
        <input type="hidden" name="csrf_token" value={props.csrf} />
        <div class="field">
          <label for="username">Username</label>
          <input
            type="text" id="username" name="username" value={props.username ?? ''} autocomplete="username"
            autocapitalize="none" spellcheck={false} required autofocus={!props.username} maxlength={64} aria-describedby={describedBy}
          />
        </div>
        <div class="field">
          <label for="password">Password</label>
          <input
            type="password" id="password" name="password" autocomplete="current-password" required autofocus={!!props.username}
            maxlength={1024} aria-describedby={describedBy}
          />
        </div>
        <button type="submit">Sign in</button>
      </form>
    </Layout>
  );
}
