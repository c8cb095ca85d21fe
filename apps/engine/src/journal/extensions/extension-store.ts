import { and, asc, count, eq, isNotNull, isNull, lte, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { extensionCursors, extensionFailures } from '../schema.ts';
import type { OpenDatabase } from '../sqlite/open-database.ts';
import { guarded } from '../journal-outage.ts';

/**
 * An event a durable extension's handler failed on. While `nextAt` is set it waits for that attempt;
 * once its retries are spent `nextAt` is null and it is one of the extension's dead letters.
 */
export interface ExtensionFailure {
  id: string;
  extension: string;
  /** `tract.event#n`: the n-th handler (from 0) the extension registered for that pair. */
  handler: string;
  /** The event log's sequence number the event came from. */
  seq: number;
  /** The event as its handler received it, JSON. */
  event: string;
  attempts: number;
  lastError: string;
  nextAt: number | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * A failure's place in the order failures are listed in: dead letters first, then those waiting for a
 * retry, each group oldest first (then by id). A page of them begins after such a place.
 */
export interface FailurePlace {
  dead: boolean;
  createdAt: number;
  id: string;
}

/** Whether failure `f` comes after `place` in the order failures are listed in. */
function isAfter(f: Pick<ExtensionFailure, 'nextAt' | 'createdAt' | 'id'>, place: FailurePlace): boolean {
  const dead = f.nextAt === null;
  if (dead !== place.dead) return place.dead;
  return f.createdAt > place.createdAt || (f.createdAt === place.createdAt && f.id > place.id);
}

/** What an extension has failed on, counted: those waiting for a retry and its dead letters. */
export interface FailureCounts {
  retrying: number;
  dead: number;
}

/**
 * What durable extensions keep beside the journal (docs/extensions.md): each one's cursor on the event
 * log, and the events its handlers failed on. Small writes off the hot path: one cursor write per page
 * of events, one row per failure. Both implementations pass the same tests (extension-store.test.ts).
 */
export interface ExtensionStore {
  cursor(extension: string): Promise<number | undefined>;
  setCursor(extension: string, seq: number, at: number): Promise<void>;
  addFailure(f: ExtensionFailure): Promise<void>;
  /** Records another failed attempt: its count, error and next attempt (null: it is now dead). */
  updateFailure(
    id: string,
    change: Pick<ExtensionFailure, 'attempts' | 'lastError' | 'nextAt' | 'updatedAt'>,
  ): Promise<void>;
  /** Gives every dead letter of the extension a fresh set of attempts, due at `now`; returns how many. */
  reviveDead(extension: string, now: number): Promise<number>;
  /** Removes a failure (its retry succeeded, or an operator discarded it); false if it was not there. */
  removeFailure(id: string): Promise<boolean>;
  /** Removes every dead letter of the extension (an operator gave up on them); returns how many. */
  removeDead(extension: string): Promise<number>;
  /** Failures whose next attempt is due at `now`, soonest first. */
  due(extension: string, now: number, limit: number): Promise<ExtensionFailure[]>;
  /** When the extension's next retry is due, if any is waiting. */
  nextDue(extension: string): Promise<number | undefined>;
  /** The extension's failures, dead letters first, each group oldest first; at most `limit`, after `after`. */
  failures(extension: string, limit: number, after?: FailurePlace | null): Promise<ExtensionFailure[]>;
  get(id: string): Promise<ExtensionFailure | undefined>;
  counts(extension: string): Promise<FailureCounts>;
}

/** In memory, lost with the process (the memory journal's companion). */
export class MemoryExtensionStore implements ExtensionStore {
  private readonly cursors = new Map<string, number>();
  private readonly rows = new Map<string, ExtensionFailure>();

  cursor(extension: string): Promise<number | undefined> {
    return Promise.resolve(this.cursors.get(extension));
  }
  setCursor(extension: string, seq: number): Promise<void> {
    this.cursors.set(extension, seq);
    return Promise.resolve();
  }
  addFailure(f: ExtensionFailure): Promise<void> {
    this.rows.set(f.id, { ...f });
    return Promise.resolve();
  }
  updateFailure(
    id: string,
    change: Pick<ExtensionFailure, 'attempts' | 'lastError' | 'nextAt' | 'updatedAt'>,
  ): Promise<void> {
    const row = this.rows.get(id);
    if (row) Object.assign(row, change);
    return Promise.resolve();
  }
  reviveDead(extension: string, now: number): Promise<number> {
    const dead = this.of(extension).filter((f) => f.nextAt === null);
    for (const f of dead) Object.assign(f, { attempts: 0, nextAt: now, updatedAt: now });
    return Promise.resolve(dead.length);
  }
  removeFailure(id: string): Promise<boolean> {
    return Promise.resolve(this.rows.delete(id));
  }
  removeDead(extension: string): Promise<number> {
    const dead = this.of(extension).filter((f) => f.nextAt === null);
    for (const f of dead) this.rows.delete(f.id);
    return Promise.resolve(dead.length);
  }
  due(extension: string, now: number, limit: number): Promise<ExtensionFailure[]> {
    return Promise.resolve(
      this.of(extension)
        .filter((f) => f.nextAt !== null && f.nextAt <= now)
        .sort((a, b) => (a.nextAt ?? 0) - (b.nextAt ?? 0))
        .slice(0, limit)
        .map((f) => ({ ...f })),
    );
  }
  nextDue(extension: string): Promise<number | undefined> {
    const times = this.of(extension).flatMap((f) => (f.nextAt === null ? [] : [f.nextAt]));
    return Promise.resolve(times.length > 0 ? Math.min(...times) : undefined);
  }
  failures(extension: string, limit: number, after?: FailurePlace | null): Promise<ExtensionFailure[]> {
    return Promise.resolve(
      this.of(extension)
        .filter((f) => !after || isAfter(f, after))
        .sort(
          (a, b) =>
            Number(a.nextAt !== null) - Number(b.nextAt !== null) ||
            a.createdAt - b.createdAt ||
            (a.id < b.id ? -1 : a.id > b.id ? 1 : 0),
        )
        .slice(0, limit)
        .map((f) => ({ ...f })),
    );
  }
  get(id: string): Promise<ExtensionFailure | undefined> {
    const row = this.rows.get(id);
    return Promise.resolve(row && { ...row });
  }
  counts(extension: string): Promise<FailureCounts> {
    const rows = this.of(extension);
    const dead = rows.filter((f) => f.nextAt === null).length;
    return Promise.resolve({ retrying: rows.length - dead, dead });
  }
  private of(extension: string): ExtensionFailure[] {
    return [...this.rows.values()].filter((f) => f.extension === extension);
  }
}

/**
 * In the journal's SQLite file, on the engine's connection. An outage rejects as JOURNAL_UNAVAILABLE.
 *
 * What a durable extension asks at every journal commit it wakes on (its cursor's move, its due retries,
 * the next one and its counts) is prepared once: built by drizzle and prepared by SQLite at each call,
 * those four made a durable extension the largest part of a lightly loaded engine's work (bench/NOTES.md,
 * "A lightly loaded engine").
 */
export class SqliteExtensionStore implements ExtensionStore {
  private readonly db: BetterSQLite3Database;
  private readonly moveCursor;
  private readonly dueNow;
  private readonly soonest;
  private readonly counted;

  constructor(open: OpenDatabase) {
    const db = (this.db = open.db);
    const extension = sql.placeholder('extension');
    this.moveCursor = db
      .insert(extensionCursors)
      .values({ extension, seq: sql.placeholder('seq'), updatedAt: sql.placeholder('at') })
      .onConflictDoUpdate({
        target: extensionCursors.extension,
        set: { seq: sql`excluded.seq`, updatedAt: sql`excluded.updated_at` },
      })
      .prepare();
    this.dueNow = db
      .select()
      .from(extensionFailures)
      .where(
        and(
          eq(extensionFailures.extension, extension),
          lte(extensionFailures.nextAt, sql.placeholder('now')),
        ),
      )
      .orderBy(asc(extensionFailures.nextAt))
      .limit(sql.placeholder('limit'))
      .prepare();
    this.soonest = db
      .select({ nextAt: extensionFailures.nextAt })
      .from(extensionFailures)
      .where(and(eq(extensionFailures.extension, extension), isNotNull(extensionFailures.nextAt)))
      .orderBy(asc(extensionFailures.nextAt))
      .limit(1)
      .prepare();
    this.counted = db
      .select({ dead: isNull(extensionFailures.nextAt), n: count() })
      .from(extensionFailures)
      .where(eq(extensionFailures.extension, extension))
      .groupBy(isNull(extensionFailures.nextAt))
      .prepare();
  }

  cursor(extension: string): Promise<number | undefined> {
    return guarded(`read extension ${extension}'s cursor`, () =>
      this.db
        .select({ seq: extensionCursors.seq })
        .from(extensionCursors)
        .where(eq(extensionCursors.extension, extension))
        .get(),
    ).then((row) => row?.seq);
  }
  setCursor(extension: string, seq: number, at: number): Promise<void> {
    return guarded(`move extension ${extension}'s cursor`, () => {
      this.moveCursor.run({ extension, seq, at });
    });
  }
  addFailure(f: ExtensionFailure): Promise<void> {
    return guarded(`record extension ${f.extension}'s failure`, () => {
      this.db.insert(extensionFailures).values(f).run();
    });
  }
  updateFailure(
    id: string,
    change: Pick<ExtensionFailure, 'attempts' | 'lastError' | 'nextAt' | 'updatedAt'>,
  ): Promise<void> {
    return guarded(`update extension failure ${id}`, () => {
      this.db.update(extensionFailures).set(change).where(eq(extensionFailures.id, id)).run();
    });
  }
  reviveDead(extension: string, now: number): Promise<number> {
    return guarded(`retry extension ${extension}'s dead letters`, () =>
      this.db
        .update(extensionFailures)
        .set({ attempts: 0, nextAt: now, updatedAt: now })
        .where(and(eq(extensionFailures.extension, extension), isNull(extensionFailures.nextAt)))
        .run(),
    ).then((r) => r.changes);
  }
  removeFailure(id: string): Promise<boolean> {
    return guarded(`remove extension failure ${id}`, () =>
      this.db.delete(extensionFailures).where(eq(extensionFailures.id, id)).run(),
    ).then((r) => r.changes > 0);
  }
  removeDead(extension: string): Promise<number> {
    return guarded(`discard extension ${extension}'s dead letters`, () =>
      this.db
        .delete(extensionFailures)
        .where(and(eq(extensionFailures.extension, extension), isNull(extensionFailures.nextAt)))
        .run(),
    ).then((r) => r.changes);
  }
  due(extension: string, now: number, limit: number): Promise<ExtensionFailure[]> {
    return guarded(`read extension ${extension}'s due retries`, () =>
      this.dueNow.all({ extension, now, limit }),
    );
  }
  nextDue(extension: string): Promise<number | undefined> {
    return guarded(`read extension ${extension}'s next retry`, () => this.soonest.get({ extension })).then(
      (row) => row?.nextAt ?? undefined,
    );
  }
  failures(extension: string, limit: number, after?: FailurePlace | null): Promise<ExtensionFailure[]> {
    const t = extensionFailures;
    // Each group read on its own (the index on extension and next_at finds it), past `after` within it.
    const group = (dead: boolean, n: number) =>
      this.db
        .select()
        .from(t)
        .where(
          and(
            eq(t.extension, extension),
            dead ? isNull(t.nextAt) : isNotNull(t.nextAt),
            after?.dead === dead
              ? sql`(${t.createdAt}, ${t.id}) > (${after.createdAt}, ${after.id})`
              : undefined,
          ),
        )
        .orderBy(asc(t.createdAt), asc(t.id))
        .limit(n)
        .all();
    return guarded(`read extension ${extension}'s failures`, () => {
      const dead = after && !after.dead ? [] : group(true, limit);
      return dead.length >= limit ? dead : [...dead, ...group(false, limit - dead.length)];
    });
  }
  get(id: string): Promise<ExtensionFailure | undefined> {
    return guarded(`read extension failure ${id}`, () =>
      this.db.select().from(extensionFailures).where(eq(extensionFailures.id, id)).get(),
    );
  }
  counts(extension: string): Promise<FailureCounts> {
    return guarded(`count extension ${extension}'s failures`, () => {
      const rows = this.counted.all({ extension }) as { dead: number | boolean; n: number }[];
      let retrying = 0;
      let dead = 0;
      for (const r of rows) {
        if (r.dead) dead += r.n;
        else retrying += r.n;
      }
      return { retrying, dead };
    });
  }
}
