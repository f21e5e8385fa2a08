import { Layout } from './layout';

const WIDE = 'main{max-width:48rem}pre{background:var(--bg);border:1px solid var(--border);border-radius:.5rem;padding:.75rem;overflow:auto;font-size:.8125rem}h2{font-size:1.05rem;margin:1.5rem 0 .5rem}';

/** The demo relying party's start page: one button that starts a PAR-based sign-in. */
export function DemoStartPage(props: { nonce: string; issuer: string }) {
  return (
    <Layout title="Demo app" nonce={props.nonce} extraCss={WIDE}>
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
export function DemoResultPage(props: { nonce: string; result: DemoResult }) {
  const { result } = props;
  return (
    <Layout title="Demo app" nonce={props.nonce} extraCss={WIDE}>
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
