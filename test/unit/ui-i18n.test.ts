import { describe, expect, it } from 'vitest';
import { parseConfig, ConfigError } from '../../src/config';
import { UI_LOCALES } from '../../src/oauth/capabilities';
import { brandCss } from '../../src/ui/brand';
import { negotiateLocale } from '../../src/ui/locale';
import { CATALOGUES, translator, waitInWords } from '../../src/ui/messages';
import { en } from '../../src/ui/messages/en';

/** The pages' language (OpenID Connect Core §3.1.2.1 `ui_locales`, RFC 9110 §12.5.4 Accept-Language, RFC 4647 §3.4 lookup). */
describe('locale negotiation', () => {
  it('takes the first supported tag of ui_locales, in the order given (OpenID Connect Core §3.1.2.1)', () => {
    expect(negotiateLocale('fr-CA da mi', 'mi')).toBe('da');
    expect(negotiateLocale('mi da', undefined)).toBe('mi');
  });

  it('lets ui_locales win over Accept-Language (OpenID Connect Core §3.1.2.1)', () => {
    expect(negotiateLocale('da', 'mi, en;q=0.5')).toBe('da');
  });

  it('falls back from a regional tag to its language, case-insensitively (RFC 4647 §3.4, RFC 5646 §2.1.1)', () => {
    expect(negotiateLocale('DA-dk', undefined)).toBe('da');
    expect(negotiateLocale('mi-Latn-NZ', undefined)).toBe('mi');
  });

  it('ignores an unsupported ui_locales and uses Accept-Language by q-value (RFC 9110 §12.5.4)', () => {
    expect(negotiateLocale('fr de', 'en;q=0.4, da;q=0.8, mi;q=0.6')).toBe('da');
    expect(negotiateLocale(undefined, 'fr, mi;q=0.9, en;q=0.9')).toBe('mi');
  });

  it('never picks a language the browser marked q=0, nor reads the wildcard as one (RFC 9110 §12.5.4)', () => {
    expect(negotiateLocale(undefined, 'da;q=0, *;q=0.9, mi;q=0.1')).toBe('mi');
  });

  it('falls back to English without a usable preference, and on garbage', () => {
    expect(negotiateLocale(undefined, undefined)).toBe('en');
    expect(negotiateLocale('xx', 'fr-FR, de;q=0.9')).toBe('en');
    expect(negotiateLocale('  ', ';;;q=,')).toBe('en');
  });
});

describe('message catalogue', () => {
  it('has a catalogue for every advertised ui_locales_supported value (OpenID Connect Discovery 1.0 §3)', () => {
    expect(Object.keys(CATALOGUES).sort()).toEqual([...UI_LOCALES].sort());
  });

  it.each(UI_LOCALES.filter((l) => l !== 'en'))('%s has every key of the English source, non-empty, and no other', (lang) => {
    const messages = CATALOGUES[lang];
    expect(Object.keys(messages).sort()).toEqual(Object.keys(en).sort());
    for (const [key, value] of Object.entries(messages)) expect(value.trim(), key).not.toBe('');
  });

  it.each(UI_LOCALES.filter((l) => l !== 'en'))('%s keeps every {placeholder} of the English message', (lang) => {
    const names = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, value] of Object.entries(en)) expect(names(CATALOGUES[lang][key as keyof typeof en]), key).toEqual(names(value));
  });

  it('says how long a throttled sign-in waits, in the page language (RFC 9110 §10.2.3 Retry-After)', () => {
    expect(translator('en').t('login.throttled', { wait: waitInWords(translator('en'), 900) })).toBe('Too many sign-in attempts. Try again in 15 minutes.');
    expect(waitInWords(translator('en'), 61)).toBe('2 minutes');
    expect(waitInWords(translator('en'), 1)).toBe('1 second');
    expect(waitInWords(translator('da'), 60)).toBe('1 minut');
    expect(waitInWords(translator('da'), 30)).toBe('30 sekunder');
    expect(waitInWords(translator('mi'), 300)).toBe('5 meneti');
  });
});

describe('branding settings (src/config.ts BRAND_*)', () => {
  const refusal = (env: Record<string, string>) => {
    try {
      parseConfig(env);
    } catch (error) {
      return error instanceof ConfigError ? error.setting : 'other';
    }
    return undefined;
  };

  it('accepts https URLs, a mailto: support address and a hex colour', () => {
    const config = parseConfig({
      BRAND_NAME: 'Acme ID', BRAND_LOGO_URL: 'https://cdn.acme.example/logo.svg', BRAND_PRIMARY_COLOR: '#0A7F3F',
      BRAND_SUPPORT_URL: 'mailto:help@acme.example', BRAND_PRIVACY_URL: 'https://acme.example/privacy', BRAND_TERMS_URL: 'https://acme.example/terms',
    });
    expect(config).toMatchObject({ brandName: 'Acme ID', brandLogoUrl: 'https://cdn.acme.example/logo.svg', brandColour: '#0a7f3f', brandSupportUrl: 'mailto:help@acme.example' });
    expect(parseConfig({}).brandName).toBe('Portcullis');
  });

  it('refuses a logo or link that is not https, and a colour that is not hex, naming the setting', () => {
    expect(refusal({ BRAND_LOGO_URL: 'http://cdn.acme.example/logo.svg' })).toBe('BRAND_LOGO_URL');
    expect(refusal({ BRAND_LOGO_URL: 'javascript:alert(1)' })).toBe('BRAND_LOGO_URL');
    expect(refusal({ BRAND_LOGO_URL: 'mailto:a@b.example' })).toBe('BRAND_LOGO_URL');
    expect(refusal({ BRAND_PRIVACY_URL: 'acme.example/privacy' })).toBe('BRAND_PRIVACY_URL');
    expect(refusal({ BRAND_TERMS_URL: 'https://user:pw@acme.example/terms' })).toBe('BRAND_TERMS_URL');
    expect(refusal({ BRAND_PRIMARY_COLOR: 'red;}body{display:none' })).toBe('BRAND_PRIMARY_COLOR');
    expect(refusal({ BRAND_PRIMARY_COLOR: '#12345' })).toBe('BRAND_PRIMARY_COLOR');
  });

  it('puts black text on a light primary colour and white on a dark one (WCAG 2.2 §1.4.3)', () => {
    expect(brandCss('#ffd700')).toContain('--on-accent:#000');
    expect(brandCss('#1d4ed8')).toContain('--on-accent:#fff');
    expect(brandCss(undefined)).toBe('');
  });
});
