import { formatProblem } from '@organism/shared';
import type { Rejection } from '../pump/dispatch-hooks.ts';
import { newMessageId } from '../pump/message-id.ts';
import { clipDetail } from './entry-record.ts';
import type { EntryRow } from './entry-record.ts';

/** The most of a refused input the journal keeps: enough to see what arrived, never unbounded. */
export const MAX_RAW_STORED = 64 * 1024;

/** The raw text and the error detail a journal stores for a message the pipeline refused. */
export function rejectionRecord(r: Rejection): { raw: string; detail: string } {
  const text = typeof r.raw === 'string' ? r.raw : Buffer.from(r.raw).toString('utf8');
  const truncated = text.length > MAX_RAW_STORED;
  const raw = truncated ? text.slice(0, MAX_RAW_STORED) : text;
  const lines = r.error.problems.map(formatProblem);
  if (truncated) lines.push(`(input was ${text.length} characters; the first ${MAX_RAW_STORED} are kept)`);
  return { raw, detail: clipDetail(lines.join('\n')) };
}

/** The entry every journal stores for refused input: FAILED, kind `rejected`, no route to retry. */
export function rejectionEntry(r: Rejection, now: number): EntryRow {
  const { raw, detail } = rejectionRecord(r);
  return {
    id: newMessageId(),
    threadId: r.threadId ?? null,
    parentId: r.parentId ?? null,
    from: r.from ?? null,
    to: r.to ?? null,
    root: r.root ?? null,
    kind: 'rejected',
    chain: '[]',
    payload: null,
    raw,
    state: 'FAILED',
    attempts: 0,
    errorCode: r.error.code,
    errorDetail: detail,
    nextAttemptAt: null,
    egress: false,
    createdAt: now,
    updatedAt: now,
  };
}
