import type { Child } from 'hono/jsx';
import type { UiLocale } from '../../oauth/capabilities';
import { da } from './da';
import { en, type MessageKey, type Messages } from './en';
import { mi } from './mi';

export type { MessageKey, Messages };

/** One catalogue per supported locale (capabilities.ts `UI_LOCALES`): a locale without one does not compile. */
export const CATALOGUES: Record<UiLocale, Messages> = { en, da, mi };

/** The language of a page: its BCP 47 tag for `<html lang>`, and its messages with values filled in. */
export interface Translator {
  lang: UiLocale;
  /** The message `key` with each `{name}` replaced by `vars[name]`. */
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** The message `key` as JSX children, each `{name}` replaced by an element (e.g. `<strong>`), escaped as any child is. */
  rich(key: MessageKey, vars: Record<string, Child>): Child[];
}

const PLACEHOLDER = /\{(\w+)\}/g;

export function translator(lang: UiLocale): Translator {
  const messages = CATALOGUES[lang];
  return {
    lang,
    t: (key, vars = {}) => messages[key].replace(PLACEHOLDER, (whole, name: string) => (name in vars ? String(vars[name]) : whole)),
    rich: (key, vars) => messages[key].split(/(\{\w+\})/).filter(Boolean).map((part) => {
      const name = /^\{(\w+)\}$/.exec(part)?.[1];
      return name !== undefined && name in vars ? vars[name] : part;
    }),
  };
}

/**
 * A wait in words for the throttled sign-in message, naming the same wait as
 * the `Retry-After` header (RFC 9110 §10.2.3): seconds under a minute, else
 * whole minutes rounded up.
 */
export function waitInWords(i18n: Translator, retryAfter: number): string {
  if (retryAfter < 60) return i18n.t(retryAfter === 1 ? 'wait.seconds.one' : 'wait.seconds.other', { n: retryAfter });
  const minutes = Math.ceil(retryAfter / 60);
  return i18n.t(minutes === 1 ? 'wait.minutes.one' : 'wait.minutes.other', { n: minutes });
}
