/**
 * Structured security/audit log lines: one JSON object per line on stdout.
 * Callers pass identifiers, never secrets (no passwords, codes, tokens or assertions).
 */
export type LogFields = Record<string, string | number | boolean | undefined | null | string[]>;

export function logEvent(event: string, fields: LogFields = {}): void {
  console.log(JSON.stringify({ ts: new Date().toISOString(), level: 'info', event, ...fields }));
}

export function logError(event: string, fields: LogFields = {}): void {
  console.error(JSON.stringify({ ts: new Date().toISOString(), level: 'error', event, ...fields }));
}
