/**
 * Renders README.md's configuration table from SETTINGS (src/config.ts), so the
 * README cannot drift from the code: `npm run docs:config` writes it, and
 * test/unit/config.test.ts fails when the README differs.
 */
import { SETTINGS, type Setting } from '../src/config';

export const BEGIN = '<!-- config-table:begin (generated from src/config.ts by `npm run docs:config`; do not edit by hand) -->';
export const END = '<!-- config-table:end -->';

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** The Markdown table: one row per setting, in table order. */
export function renderConfigTable(settings: Record<string, Setting> = SETTINGS): string {
  const rows = Object.values(settings).map((s) => {
    const name = `\`${s.env}\`${s.secret ? ' (secret)' : ''}`;
    const fallback = s.default === undefined ? '—' : `\`${s.default}\``;
    const bounds = s.bounds ? `${s.bounds[0]}–${s.bounds[1]}` : '—';
    return `| ${name} | ${fallback} | ${bounds} | ${cell(s.meaning)} |`;
  });
  return ['| setting | default | bounds | meaning |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** The text between the markers of `readme`, or null when the markers are missing. */
export function generatedSection(readme: string): string | null {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) return null;
  return readme.slice(start + BEGIN.length, end).trim();
}

/** `readme` with the section between the markers replaced by `table`. */
export function withTable(readme: string, table: string): string {
  const start = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (start < 0 || end < start) throw new Error(`README.md lacks the markers ${BEGIN} … ${END}`);
  return `${readme.slice(0, start + BEGIN.length)}\n${table}\n${readme.slice(end)}`;
}
