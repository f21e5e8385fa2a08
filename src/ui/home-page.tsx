import type { PageContext } from './brand';
import { Layout } from './layout';

/**
 * The issuer's own page (`/`): what this server is, and links to its discovery
 * document (OpenID Connect Discovery 1.0 §4), its public keys (RFC 7517 §5),
 * the demo relying party when it is on, and where the documentation is (the
 * README of the source; no URL is invented for a repository this server
 * cannot know, and the operator's help is the footer's `BRAND_SUPPORT_URL`).
 */
export function HomePage(props: { page: PageContext; demo: boolean }) {
  const { i18n, brand } = props.page;
  const links = [
    { href: '/.well-known/openid-configuration', label: i18n.t('home.discovery') },
    { href: '/jwks', label: i18n.t('home.jwks') },
    ...(props.demo ? [{ href: '/demo', label: i18n.t('home.demo') }] : []),
  ];
  return (
    <Layout title={i18n.t('home.title')} page={props.page}>
      <h1>{brand.name}</h1>
      <p class="lead">{i18n.t('home.lead', { product: brand.name })}</p>
      <ul class="scopes">
        {links.map((l) => (
          <li>
            <a href={l.href}>{l.label}</a>
          </li>
        ))}
      </ul>
      <p class="meta">{i18n.rich('home.docs', { readme: <code>README.md</code> })}</p>
    </Layout>
  );
}
