import type { Child } from 'hono/jsx';
import { brandCss, type Brand, type PageContext } from './brand';
import type { Translator } from './messages';
import { CSS } from './styles';

/** A shield mark drawn inline, shown when the operator configured no logo. */
function Mark() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5l-8-3Zm-1 14-4-4 1.4-1.4L11 13.2l4.6-4.6L17 10l-6 6Z" />
    </svg>
  );
}

/** The operator's links (help, privacy, terms), each opened without a referrer or an opener. */
function Footer(props: { brand: Brand; i18n: Translator }) {
  const { brand, i18n } = props;
  const links = [
    { href: brand.supportUrl, label: i18n.t('footer.support') },
    { href: brand.privacyUrl, label: i18n.t('footer.privacy') },
    { href: brand.termsUrl, label: i18n.t('footer.terms') },
  ].filter((l): l is { href: string; label: string } => l.href !== undefined);
  if (links.length === 0) return null;
  return (
    <footer class="links">
      {links.map((l) => (
        <a href={l.href} rel="noopener noreferrer" target="_blank">{l.label}</a>
      ))}
    </footer>
  );
}

/**
 * The document shell of every page: its language (`lang`, from the
 * negotiated locale), viewport, the nonce'd stylesheet with the operator's
 * colour, the operator's name and logo, a single `main` landmark and the
 * operator's links.
 */
export function Layout(props: { page: PageContext; title: string; extraCss?: string; head?: Child; children?: Child }) {
  const { nonce, i18n, brand } = props.page;
  return (
    <html lang={i18n.lang}>
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${props.title} · ${brand.name}`}</title>
        <style nonce={nonce} dangerouslySetInnerHTML={{ __html: CSS + brandCss(brand.colour) + (props.extraCss ?? '') }} />
        {props.head}
      </head>
      <body>
        <main>
          <p class="brand">
            {brand.logoUrl ? <img src={brand.logoUrl} alt="" referrerpolicy="no-referrer" /> : <Mark />}
            <span>{brand.name}</span>
          </p>
          {props.children}
          <Footer brand={brand} i18n={i18n} />
        </main>
      </body>
    </html>
  );
}

/** Serializes a page element to an HTML document string. Pages are synchronous components. */
export function renderDocument(element: unknown): string {
  return `<!doctype html>${String(element)}`;
}
