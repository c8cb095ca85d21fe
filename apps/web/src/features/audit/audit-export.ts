/** The audit log as files: CSV (RFC 4180, for spreadsheets) and JSON lines (entries as the API gives them). */

export interface AuditRecord {
  seq: number;
  at: number;
  actor: string;
  action: string;
  target: string | null;
  detail: string | null;
  outcome: 'ok' | 'error';
  error: string | null;
}

const CSV_COLUMNS = ['seq', 'time', 'actor', 'action', 'target', 'outcome', 'error', 'detail'] as const;

/**
 * One CSV cell. Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`: a failed sign-in records the
 * name that was typed, which anyone can choose) gets a leading `'`, as OWASP advises for CSV exports.
 */
function cell(value: string | number | null): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.join(',')}\r\n`;
}

/** An entry as a CSV line; `time` is ISO 8601 in UTC. */
export function csvLine(e: AuditRecord): string {
  const time = new Date(e.at).toISOString();
  return `${[e.seq, time, e.actor, e.action, e.target, e.outcome, e.error, e.detail].map(cell).join(',')}\r\n`;
}

/** An entry as one JSON line, exactly as `audit.list` returns it. */
export function jsonLine(e: AuditRecord): string {
  return `${JSON.stringify(e)}\n`;
}
