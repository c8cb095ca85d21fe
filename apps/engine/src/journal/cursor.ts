import { and, eq, gt, or } from 'drizzle-orm';
import type { Column, SQL } from 'drizzle-orm';

/** Keyset cursors: the sort key of the last item of a page, opaque to clients. */
export function encodeCursor(at: number, id: string): string {
  return Buffer.from(`${at}:${id}`).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): { at: number; id: string } | undefined {
  if (!cursor) return undefined;
  const text = Buffer.from(cursor, 'base64url').toString();
  const colon = text.indexOf(':');
  const at = Number(text.slice(0, colon));
  if (colon < 1 || !Number.isFinite(at)) return undefined;
  return { at, id: text.slice(colon + 1) };
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
