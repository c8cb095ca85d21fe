import { and, eq, gt, or } from 'drizzle-orm';
import type { Column, SQL } from 'drizzle-orm';
import { JournalError } from './journal-error.ts';

/** Keyset cursors: the sort key of the last item of a page, opaque to clients. */
export function encodeCursor(at: number, id: string): string {
  return Buffer.from(`${at}:${id}`).toString('base64url');
}

/**
 * The sort key a cursor holds; undefined for none (the first page). A cursor no list made (garbage, or
 * one edited by hand: it would not encode back to itself) is refused, as notACursor says, not read as
 * the first page, which a client would take for the next one.
 */
export function decodeCursor(cursor: string | undefined): { at: number; id: string } | undefined {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString();
  const colon = text.indexOf(':');
  const at = Number(text.slice(0, colon));
  const id = text.slice(colon + 1);
  if (colon < 1 || !Number.isFinite(at) || encodeCursor(at, id) !== cursor) throw notACursor();
  return { at, id };
}

/** A list's refusal of a `cursor` it did not make: INPUT_INVALID at `cursor`, as a bad field is. */
export function notACursor(): JournalError {
  const message =
    'not a cursor this engine made: give the nextCursor of the page before, or no cursor for the first page';
  return new JournalError('INPUT_INVALID', `invalid input: cursor: ${message}`, {
    problems: [{ path: 'cursor', message }],
  });
}

/**
 * The entries after `after` in (creation time, id) order, on SQLite or PostgreSQL: the next chunk of a read
 * oldest first (a bulk retry's). Undefined (no condition) for the first.
 */
export function afterEntry(
  columns: { createdAt: Column; id: Column },
  after: { createdAt: number; id: string } | undefined,
): SQL | undefined {
  if (!after) return undefined;
  const { createdAt, id } = columns;
  return or(gt(createdAt, after.createdAt), and(eq(createdAt, after.createdAt), gt(id, after.id)));
}
