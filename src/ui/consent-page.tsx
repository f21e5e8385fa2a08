import type { DetailView } from '../oauth/detail-display';
import { AuthorizationDetails } from './authorization-details';
import { Layout } from './layout';
import { describeClaims, describeScopes } from './scopes';

export interface ConsentPageProps {
  nonce: string;
  action: string;
  csrf: string;
  clientName: string;
  /** Host of the redirect_uri: where the user will be sent, shown against phishing. */
  returnTo: string;
  scope: string;
  /** Claims asked for by name (`claims`, OpenID Connect Core §5.5), one line each. */
  claims: string[];
  /** Descriptions of the requested API scopes, by scope name. */
  apiScopes?: Record<string, { description: string; api: string }>;
  /** The request's authorization details in words (RFC 9396). */
  authorizationDetails?: DetailView[];
  username: string;
  /** The hidden input naming the session this page is shown to. */
  binding: { name: string; value: string };
}

/**
 * The consent form (DESIGN.md contract 4, OpenID Connect Core §3.1.2.4): the
 * client's name, the requested scopes and individually requested claims in
 * words, and two submit buttons named `decision` with values `allow` and `deny`.
 */
export function ConsentPage(props: ConsentPageProps) {
  const scopes = [...describeScopes(props.scope, props.apiScopes), ...describeClaims(props.claims)];
  return (
    <Layout title="Allow access" nonce={props.nonce}>
      <h1>Allow access?</h1>
      <p class="lead">
        <strong>{props.clientName}</strong> would like to:
      </p>
      {scopes.length > 0 ? (
        <ul class="scopes" aria-label="Requested permissions">
          {scopes.map((s) => (
            <li>
              <span class="name">{s.name}</span>
              <span class="detail">{s.detail}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="lead">Sign you in with your account.</p>
      )}
      <AuthorizationDetails details={props.authorizationDetails ?? []} />
      <form method="post" action={props.action}>
        <input type="hidden" name="csrf_token" value={props.csrf} />
        <input type="hidden" name={props.binding.name} value={props.binding.value} />
        <button type="submit" name="decision" value="allow">Allow</button>
        <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
      </form>
      <p class="meta">
        Signed in as <strong>{props.username}</strong>. You will return to <code>{props.returnTo}</code>.
      </p>
    </Layout>
  );
}
