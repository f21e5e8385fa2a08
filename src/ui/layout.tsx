import type { Child } from 'hono/jsx';
import { CSS } from './styles';

/** A shield mark drawn inline, so pages load nothing from anywhere (CSP `default-src 'none'`). */
function Mark() {
  return (
    <svg viewBox="0 0 24 24" aria-hidden="true" focusable="false">
      <path d="M12 2 4 5v6c0 5 3.4 9.7 8 11 4.6-1.3 8-6 8-11V5l-8-3Zm-1 14-4-4 1.4-1.4L11 13.2l4.6-4.6L17 10l-6 6Z" />
    </svg>
  );
}

/** The document shell of every page: language, viewport, the nonce'd stylesheet and a single `main` landmark. */
export function Layout(props: { title: string; nonce: string; extraCss?: string; head?: Child; children?: Child }) {
  return (
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <meta name="referrer" content="no-referrer" />
        <meta name="robots" content="noindex, nofollow" />
        <title>{`${props.title} · Portcullis`}</title>
        <style nonce={props.nonce} dangerouslySetInnerHTML={{ __html: CSS + (props.extraCss ?? '') }} />
        {props.head}
      </head>
      <body>
        <main>
          <p class="brand">
            <Mark />
            <span>Portcullis</span>
          </p>
          {props.children}
        </main>
      </body>
    </html>
  );
}

/** Serializes a page element to an HTML document string. Pages are synchronous components. */
export function renderDocument(element: unknown): string {
  return `<!doctype html>${String(element)}`;
}
