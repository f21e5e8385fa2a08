import type { PageContext } from './brand';
import { Layout } from './layout';

const WIDE = 'main{max-width:48rem}pre{background:var(--bg);border:1px solid var(--border);border-radius:.5rem;padding:.75rem;overflow:auto;font-size:.8125rem}h2{font-size:1.05rem;margin:1.5rem 0 .5rem}';

/** The demo relying party's start page: one button that starts a PAR-based sign-in. */
export function DemoStartPage(props: { page: PageContext; issuer: string }) {
  return (
    <Layout title="Demo app" page={props.page} extraCss={WIDE}>
      <h1>Portcullis demo app</h1>
      <p class="lead">
        A relying party (the seeds' "API Consumer") using <strong>demo-client</strong>. It pushes an authorization request to{' '}
        <code>{props.issuer}/par</code>, sends you to log in (<code>demo</code> / <code>demo-password</code>), redeems the code with PKCE
        and shows what it received.
      </p>
      <form method="post" action="/demo/start">
        <button type="submit">Sign in with Portcullis</button>
      </form>
    </Layout>
  );
}

export interface DemoResult {
  tokenResponse: Record<string, unknown>;
  idToken?: { header: unknown; claims: unknown };
  accessToken?: { header: unknown; claims: unknown };
  userinfo?: unknown;
  error?: string;
}

function Json(props: { value: unknown }) {
  return <pre>{JSON.stringify(props.value, null, 2)}</pre>;
}

/** What the demo relying party received: decoded ID and access tokens, and the UserInfo response. */
export function DemoResultPage(props: { page: PageContext; result: DemoResult }) {
  const { result } = props;
  return (
    <Layout title="Demo app" page={props.page} extraCss={WIDE}>
      <h1>{result.error ? 'Sign-in did not complete' : 'Signed in'}</h1>
      {result.error ? <p class="alert" role="alert">{result.error}</p> : null}
      {result.idToken ? (
        <>
          <h2>ID token (decoded; a real relying party also verifies its signature)</h2>
          <Json value={result.idToken} />
        </>
      ) : null}
      {result.accessToken ? (
        <>
          <h2>Access token (RFC 9068 JWT)</h2>
          <Json value={result.accessToken} />
        </>
      ) : null}
      {result.userinfo ? (
        <>
          <h2>UserInfo response</h2>
          <Json value={result.userinfo} />
        </>
      ) : null}
      <h2>Token response (tokens elided)</h2>
      <Json value={result.tokenResponse} />
      <form method="get" action="/demo">
        <button type="submit" class="secondary">Start again</button>
      </form>
    </Layout>
  );
}

/** The code the README's manual walk redeems: `<the code>` in its curl. */
function redeemCommand(issuer: string, code: string): string {
  return [
    `curl -s -u demo-client:demo-secret ${issuer}/token \\`,
    // Codes are base64url with a dot; anything else is left out, so the command is safe to paste into a shell.
    `  -d grant_type=authorization_code -d code=${code.replace(/[^A-Za-z0-9._~-]/g, '')} \\`,
    `  -d redirect_uri=${issuer}/demo/callback \\`,
    '  -d code_verifier=dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk',
  ].join('\n');
}

/**
 * A callback the demo app did not start (the README's manual walk, with its own
 * PAR by curl): the demo app does not redeem a code whose state is not this
 * browser's (RFC 6749 §10.12), so it shows the code and how to redeem it.
 */
export function DemoForeignCallbackPage(props: { page: PageContext; issuer: string; code: string; state?: string; iss?: string }) {
  return (
    <Layout title="Demo app" page={props.page} extraCss={WIDE}>
      <h1>Authorization code received</h1>
      <p class="lead">
        The sign-in worked. The demo app did not start it (the state does not match this browser's), so it does not redeem the code
        itself: if you followed the README's walk, redeem it yourself within the code's lifetime (60 seconds by default).
      </p>
      <h2>What arrived</h2>
      <Json value={{ code: props.code, state: props.state, iss: props.iss }} />
      <h2>Redeem it (RFC 6749 §4.1.3, with the README's PKCE verifier)</h2>
      <pre>{redeemCommand(props.issuer, props.code)}</pre>
      <form method="get" action="/demo">
        <button type="submit" class="secondary">Try the demo app instead</button>
      </form>
    </Layout>
  );
}
