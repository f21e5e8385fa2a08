import type { Context } from 'hono';
import type { AppEnv } from '../app-env';
import type { Config } from '../config';
import type { UiLocale } from '../oauth/capabilities';
import type { Brand, PageContext } from '../ui/brand';
import { negotiateLocale } from '../ui/locale';
import { translator } from '../ui/messages';

/** The operator's branding from the BRAND_* settings (src/config.ts). */
export function brandOf(config: Config): Brand {
  return {
    name: config.brandName,
    logoUrl: config.brandLogoUrl,
    colour: config.brandColour,
    supportUrl: config.brandSupportUrl,
    privacyUrl: config.brandPrivacyUrl,
    termsUrl: config.brandTermsUrl,
  };
}

/**
 * What a page of this request is rendered with: the operator's branding, and
 * the language negotiated from the request's `ui_locales` (set on the context
 * once the authorization or logout request is known, OpenID Connect Core
 * §3.1.2.1), else Accept-Language, else English; `locale` pins it (the demo
 * relying party speaks only English).
 */
export function pageContextOf(c: Context<AppEnv>, nonce: string, locale?: UiLocale): PageContext {
  const lang = locale ?? negotiateLocale(c.get('uiLocales'), c.req.header('accept-language'));
  return { nonce, i18n: translator(lang), brand: brandOf(c.get('services').config) };
}

/** An https URI as a page may load or link it (client metadata, RFC 7591 §2: `logo_uri`, `policy_uri`, `tos_uri`, `client_uri`), else undefined. */
export function httpsOnly(uri: string | undefined): string | undefined {
  if (uri === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return undefined;
  }
  return url.protocol === 'https:' && !url.username && !url.password ? url.href : undefined;
}

/** The origin of an https image URI, for the page's CSP `img-src`. */
export function imageOrigins(...uris: (string | undefined)[]): string[] {
  return uris.flatMap((u) => (u === undefined ? [] : [new URL(u).origin]));
}
