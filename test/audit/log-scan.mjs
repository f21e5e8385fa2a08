// The whole-suite log scan (issue 4, "no secrets in logs"): vitest.config.ts
// hands every console line the suite produces to `collect`; test helpers
// announce the secrets they create (test/helpers/secrets.ts). After the last
// test, `teardown` fails the run if any log line holds an announced secret
// (client secrets, passwords, codes, PKCE verifiers) or anything shaped like a
// credential: a JWT (tokens, assertions, request objects, JARM responses) or a
// `<handle>.<secret>` code / refresh token.
const MARKER = '__portcullis_test_secret__ ';
const SHAPES = [
  ['JWT', /eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*/],
  ['code or refresh token', /\b[A-Za-z0-9_-]{43}\.[A-Za-z0-9_-]{43}\b/],
];

const state = (globalThis.__portcullisLogScan ??= { secrets: new Set(), lines: [] });

/**
 * vitest `onConsoleLog`: records every line. Announcements and the Worker's
 * JSON audit lines are not printed (they would drown the test output); any
 * other console output of a test still is.
 */
export function collect(log) {
  for (const line of log.split('\n')) {
    if (line.startsWith(MARKER)) state.secrets.add(line.slice(MARKER.length).trim());
    else if (line.trim()) state.lines.push(line);
  }
  return log.startsWith(MARKER) || log.startsWith('{"ts":') ? false : undefined;
}

export function findLeaks({ secrets, lines }) {
  const leaks = [];
  for (const line of lines) {
    for (const secret of secrets) if (secret.length >= 8 && line.includes(secret)) leaks.push({ line, what: 'an announced secret' });
    for (const [what, shape] of SHAPES) if (shape.test(line)) leaks.push({ line, what });
  }
  return leaks;
}

/** A vitest reporter: after the last test, fails the run (exit code 1) if any log line leaks. */
export const logScanReporter = {
  onTestRunEnd() {
    const leaks = findLeaks(state);
    console.log(`log scan: ${state.lines.length} log lines checked against ${state.secrets.size} secrets and ${SHAPES.length} credential shapes`);
    if (leaks.length === 0) return;
    for (const { line, what } of leaks.slice(0, 10)) console.error(`log scan: ${what} in: ${line.slice(0, 300)}`);
    console.error(`log scan: FAILED, ${leaks.length} log line(s) leak secrets`);
    process.exitCode = 1;
  },
};
