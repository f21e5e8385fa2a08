// How the lines are shown: one screen for a person, JSON for a machine.

const MARK = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP' };
const COLOUR = { pass: 32, warn: 33, fail: 31, skip: 90 };

/** The summary counts and the exit status (0 when nothing failed: warnings do not fail a CI job). */
export function summarize(lines) {
  const counts = { pass: 0, warn: 0, fail: 0, skip: 0 };
  for (const l of lines) counts[l.status]++;
  return { counts, ok: counts.fail === 0, exitCode: counts.fail === 0 ? 0 : 1 };
}

/** The lines as text, one per check, with its detail after a dash; colour only for a terminal. */
export function formatText(issuer, lines, { colour = false } = {}) {
  const paint = (status, s) => (colour ? `\x1b[${COLOUR[status]}m${s}\x1b[0m` : s);
  const { counts } = summarize(lines);
  const out = [`portcullis check ${issuer}`, ''];
  for (const l of lines) out.push(`${paint(l.status, MARK[l.status])}  ${l.title}${l.detail ? ` — ${l.detail}` : ''}`);
  out.push('', `${counts.pass} passed, ${counts.warn} warnings, ${counts.fail} failed, ${counts.skip} skipped`);
  return out.join('\n');
}

/** The machine form: `{ issuer, ok, counts, checks: [{ id, status, title, detail }] }`. */
export function formatJson(issuer, lines) {
  const { counts, ok } = summarize(lines);
  return JSON.stringify({ issuer, checked_at: new Date().toISOString(), ok, counts, checks: lines }, null, 2);
}
