import { and, asc, count, eq, isNotNull, isNull, lte, or, sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { OpenPostgres } from '../postgres/open-postgres.ts';
import { extensionCursors as pgCursors, extensionFailures as pgFailures } from '../postgres/schema.ts';
import { guarded } from '../journal-outage.ts';
import type { ExtensionFailure, ExtensionStore, FailureCounts, FailurePlace } from './extension-store.ts';

/** In the PostgreSQL journal's schema, on its pool. An outage rejects as JOURNAL_UNAVAILABLE. */
export class PgExtensionStore implements ExtensionStore {
  private readonly db: NodePgDatabase;

  constructor(open: OpenPostgres) {
    this.db = open.db;
  }

  async cursor(extension: string): Promise<number | undefined> {
    const [row] = await guarded(`read extension ${extension}'s cursor`, () =>
      this.db.select({ seq: pgCursors.seq }).from(pgCursors).where(eq(pgCursors.extension, extension)),
    );
    return row?.seq;
  }
  async setCursor(extension: string, seq: number, at: number): Promise<void> {
    await guarded(`move extension ${extension}'s cursor`, () =>
      this.db
        .insert(pgCursors)
        .values({ extension, seq, updatedAt: at })
        .onConflictDoUpdate({ target: pgCursors.extension, set: { seq, updatedAt: at } }),
    );
  }
  async addFailure(f: ExtensionFailure): Promise<void> {
    await guarded(`record extension ${f.extension}'s failure`, () => this.db.insert(pgFailures).values(f));
  }
  async updateFailure(
    id: string,
    change: Pick<ExtensionFailure, 'attempts' | 'lastError' | 'nextAt' | 'updatedAt'>,
  ): Promise<void> {
    await guarded(`update extension failure ${id}`, () =>
      this.db.update(pgFailures).set(change).where(eq(pgFailures.id, id)),
    );
  }
  async reviveDead(extension: string, now: number): Promise<number> {
    const result = await guarded(`retry extension ${extension}'s dead letters`, () =>
      this.db
        .update(pgFailures)
        .set({ attempts: 0, nextAt: now, updatedAt: now })
        .where(and(eq(pgFailures.extension, extension), isNull(pgFailures.nextAt))),
    );
    return result.rowCount ?? 0;
  }
  async removeFailure(id: string): Promise<boolean> {
    const result = await guarded(`remove extension failure ${id}`, () =>
      this.db.delete(pgFailures).where(eq(pgFailures.id, id)),
    );
    return (result.rowCount ?? 0) > 0;
  }
  async removeDead(extension: string): Promise<number> {
    const result = await guarded(`discard extension ${extension}'s dead letters`, () =>
      this.db.delete(pgFailures).where(and(eq(pgFailures.extension, extension), isNull(pgFailures.nextAt))),
    );
    return result.rowCount ?? 0;
  }
  due(extension: string, now: number, limit: number): Promise<ExtensionFailure[]> {
    // Equally due: oldest first, as SQLite's insertion order gives them (PostgreSQL has none to give).
    const due = and(eq(pgFailures.extension, extension), lte(pgFailures.nextAt, now));
    const order = [asc(pgFailures.nextAt), asc(pgFailures.createdAt), asc(pgFailures.id)];
    return guarded(`read extension ${extension}'s due retries`, () =>
      this.db
        .select()
        .from(pgFailures)
        .where(due)
        .orderBy(...order)
        .limit(limit),
    );
  }
  async nextDue(extension: string): Promise<number | undefined> {
    const [row] = await guarded(`read extension ${extension}'s next retry`, () =>
      this.db
        .select({ nextAt: sql<number | null>`min(${pgFailures.nextAt})`.mapWith(pgFailures.nextAt) })
        .from(pgFailures)
        .where(eq(pgFailures.extension, extension)),
    );
    return row?.nextAt ?? undefined;
  }
  failures(extension: string, limit: number, after?: FailurePlace | null): Promise<ExtensionFailure[]> {
    // Dead letters (no next attempt) first, each group oldest first; past `after`, the rest of its group
    // and (after a dead letter) every failure waiting for a retry.
    const t = pgFailures;
    const past = (a: FailurePlace) => sql`(${t.createdAt}, ${t.id}) > (${a.createdAt}, ${a.id})`;
    const rest = !after
      ? undefined
      : after.dead
        ? or(isNotNull(t.nextAt), and(isNull(t.nextAt), past(after)))
        : and(isNotNull(t.nextAt), past(after));
    return guarded(`read extension ${extension}'s failures`, () =>
      this.db
        .select()
        .from(pgFailures)
        .where(and(eq(pgFailures.extension, extension), rest))
        .orderBy(isNotNull(pgFailures.nextAt), asc(pgFailures.createdAt), asc(pgFailures.id))
        .limit(limit),
    );
  }
  async get(id: string): Promise<ExtensionFailure | undefined> {
    const [row] = await guarded(`read extension failure ${id}`, () =>
      this.db.select().from(pgFailures).where(eq(pgFailures.id, id)),
    );
    return row;
  }
  async counts(extension: string): Promise<FailureCounts> {
    // count(next_at) counts the failures that have a next attempt: the rest are dead.
    const [row] = await guarded(`count extension ${extension}'s failures`, () =>
      this.db
        .select({ all: count(), retrying: count(pgFailures.nextAt) })
        .from(pgFailures)
        .where(eq(pgFailures.extension, extension)),
    );
    return { retrying: row?.retrying ?? 0, dead: (row?.all ?? 0) - (row?.retrying ?? 0) };
  }
}
