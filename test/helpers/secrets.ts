/** The marker of a line that tells the log scanner (test/audit/log-scan.mjs) about a secret a test used. */
export const SECRET_MARKER = '__portcullis_test_secret__ ';

/**
 * Tells the whole-suite log scan that `value` is a secret: if it ever shows up
 * in anything the suite logs, the run fails. The announcement line itself is
 * swallowed by the scanner and never printed.
 */
export function announceSecret(value: string | undefined): void {
  if (value) console.log(SECRET_MARKER + value);
}
