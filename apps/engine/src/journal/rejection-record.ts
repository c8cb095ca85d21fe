import { formatProblem } from '@organism/shared';
import type { Rejection } from '../pump/dispatch-hooks.ts';

/** The most of a refused input the journal keeps: enough to see what arrived, never unbounded. */
export const MAX_RAW_STORED = 64 * 1024;

/** The raw text and the error detail a journal stores for a message the pipeline refused. */
export function rejectionRecord(r: Rejection): { raw: string; detail: string } {
  const text = typeof r.raw === 'string' ? r.raw : Buffer.from(r.raw).toString('utf8');
  const truncated = text.length > MAX_RAW_STORED;
  const raw = truncated ? text.slice(0, MAX_RAW_STORED) : text;
  const lines = r.error.problems.map(formatProblem);
  if (truncated) lines.push(`(input was ${text.length} characters; the first ${MAX_RAW_STORED} are kept)`);
  return { raw, detail: lines.join('\n') };
}
