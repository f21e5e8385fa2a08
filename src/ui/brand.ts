import type { Translator } from './messages';

/**
 * The operator's branding (src/config.ts `BRAND_*` settings), validated at
 * start-up: the URLs are https (support may be `mailto:`), the colour a hex
 * colour, so nothing here can break out of an attribute or the stylesheet.
 */
export interface Brand {
  name: string;
  logoUrl?: string;
  colour?: string;
  supportUrl?: string;
  privacyUrl?: string;
  termsUrl?: string;
}

/** What every page is rendered with: its CSP nonce, its language and the operator's branding. */
export interface PageContext {
  nonce: string;
  i18n: Translator;
  brand: Brand;
}

/** WCAG 2.2 relative luminance of a `#rgb` / `#rrggbb` colour. */
function luminance(hex: string): number {
  const h = hex.length === 4 ? [...hex.slice(1)].map((d) => d + d).join('') : hex.slice(1);
  const [r, g, b] = [0, 2, 4].map((i) => {
    const c = parseInt(h.slice(i, i + 2), 16) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
}

/**
 * The stylesheet lines that apply the operator's primary colour in light and
 * dark mode, with black or white button text, whichever contrasts more (WCAG
 * 2.2 §1.4.3). Appended after the base stylesheet, so it wins over both schemes.
 */
export function brandCss(colour: string | undefined): string {
  if (colour === undefined) return '';
  const l = luminance(colour);
  const onAccent = (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000' : '#fff';
  return `:root{--accent:${colour};--accent-hover:color-mix(in srgb,${colour} 82%,${onAccent});--on-accent:${onAccent};--ring:${colour}}`;
}
