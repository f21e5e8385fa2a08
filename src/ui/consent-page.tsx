import type { Child } from 'hono/jsx';
import type { PageContext } from './brand';
import { CancelForm, SwitchAccountForm } from './interaction-exits';
import { Layout } from './layout';
import { describeClaims, describeScopes } from './scopes';

/**
 * How the client presents itself (RFC 7591 §2 `client_name`, `logo_uri`,
 * `policy_uri`, `tos_uri`): the URIs only when https (routes decide), so the
 * page never loads or links anything in clear.
 */
export interface ClientPresentation {
  name: string;
  logoUri?: string;
  policyUri?: string;
  tosUri?: string;
}

export interface ConsentPageProps {
  page: PageContext;
  action: string;
  /** Where "cancel and return to the application" and "not you?" post. */
  cancelAction: string;
  switchAction: string;
  csrf: string;
  client: ClientPresentation;
  /** Host of the redirect_uri: where the user will be sent, shown against phishing. */
  returnTo: string;
  scope: string;
  /** Claims asked for by name (`claims`, OpenID Connect Core §5.5), one line each. */
  claims: string[];
  /** Descriptions of the requested API scopes, by scope name. */
  apiScopes?: Record<string, { description: string; api: string }>;
  /** Slot for the requested `authorization_details` (RFC 9396 §7), rendered by its own component after the scopes. */
  details?: Child;
  username: string;
  /** The hidden input naming the session this page is shown to. */
  binding: { name: string; value: string };
}

/** The client's logo and name; its policy and terms links open without referrer or opener. */
function ClientHeader(props: { client: ClientPresentation; page: PageContext }) {
  const { client } = props;
  const { i18n } = props.page;
  const links = [
    { href: client.policyUri, label: i18n.t('consent.clientPolicy', { client: client.name }) },
    { href: client.tosUri, label: i18n.t('consent.clientTerms', { client: client.name }) },
  ].filter((l): l is { href: string; label: string } => l.href !== undefined);
  return (
    <>
      {client.logoUri && (
        <p class="client">
          <img src={client.logoUri} alt="" referrerpolicy="no-referrer" width={48} height={48} />
        </p>
      )}
      <p class="lead">{i18n.rich('consent.lead', { client: <strong>{client.name}</strong> })}</p>
      {links.length > 0 && (
        <p class="links">
          {links.map((l) => (
            <a href={l.href} rel="noopener noreferrer" target="_blank">{l.label}</a>
          ))}
        </p>
      )}
    </>
  );
}

/**
 * The consent form (DESIGN.md contract 4, OpenID Connect Core §3.1.2.4): the
 * client's name, the requested scopes and individually requested claims in
 * words, and two submit buttons named `decision` with values `allow` and `deny`.
 */
export function ConsentPage(props: ConsentPageProps) {
  const { i18n } = props.page;
  const scopes = [...describeScopes(i18n, props.scope, props.apiScopes), ...describeClaims(i18n, props.claims)];
  return (
    <Layout title={i18n.t('consent.title')} page={props.page}>
      <h1>{i18n.t('consent.heading')}</h1>
      <ClientHeader client={props.client} page={props.page} />
      {scopes.length > 0 ? (
        <ul class="scopes" aria-label={i18n.t('consent.permissions')}>
          {scopes.map((s) => (
            <li>
              <span class="name">{s.name}</span>
              <span class="detail">{s.detail}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p class="lead">{i18n.t('consent.signInOnly')}</p>
      )}
      {props.details}
      <form method="post" action={props.action}>
        <input type="hidden" name="csrf_token" value={props.csrf} />
        <input type="hidden" name={props.binding.name} value={props.binding.value} />
        <button type="submit" name="decision" value="allow">{i18n.t('consent.allow')}</button>
        <button type="submit" name="decision" value="deny" class="secondary">{i18n.t('consent.deny')}</button>
      </form>
      <CancelForm action={props.cancelAction} csrf={props.csrf} i18n={i18n} />
      <p class="meta">
        {i18n.rich('consent.signedInAs', { user: <strong>{props.username}</strong> })}{' '}
        {i18n.rich('consent.returnTo', { host: <code>{props.returnTo}</code> })}
      </p>
      <SwitchAccountForm action={props.switchAction} csrf={props.csrf} i18n={i18n} />
    </Layout>
  );
}
