import { UI_LOCALES, type UiLocale } from '../oauth/capabilities';

/**
 * The supported locale a BCP 47 tag falls back to by RFC 4647 §3.4 lookup
 * (`da-DK` → `da`, `mi-NZ` → `mi`), compared case-insensitively (RFC 5646 §2.1.1).
 */
function lookup(tag: string): UiLocale | undefined {
  let range = tag.trim().toLowerCase();
  while (range) {
    const found = UI_LOCALES.find((l) => l === range);
    if (found) return found;
    const cut = range.lastIndexOf('-');
    range = cut > 0 ? range.slice(0, cut) : '';
  }
  return undefined;
}

/** Accept-Language ranges by preference (RFC 9110 §12.5.4): highest q first, ties in the order sent; q=0 means "not acceptable". */
function acceptedLanguages(header: string): string[] {
  return header
    .split(',')
    .map((item, index) => {
      const [range = '', ...params] = item.trim().split(';');
      const q = params.map((p) => /^\s*q\s*=\s*([01](?:\.\d{0,3})?)\s*$/i.exec(p)?.[1]).find((v) => v !== undefined);
      return { range: range.trim(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((r) => r.range !== '' && r.range !== '*' && r.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
    .map((r) => r.range);
}

/**
 * The language of a page: the first supported tag of the request's
 * `ui_locales` (OpenID Connect Core §3.1.2.1: "space-separated list of BCP47
 * language tag values, ordered by preference"), else the browser's
 * Accept-Language by q-value, else English. An unsupported `ui_locales` is
 * not an error (§3.1.2.1: the OP falls back, it does not refuse).
 */
export function negotiateLocale(uiLocales: string | undefined, acceptLanguage: string | undefined): UiLocale {
  for (const tag of (uiLocales ?? '').split(' ')) {
    const found = tag ? lookup(tag) : undefined;
    if (found) return found;
  }
  for (const range of acceptedLanguages(acceptLanguage ?? '')) {
    const found = lookup(range);
    if (found) return found;
  }
  return 'en';
}
