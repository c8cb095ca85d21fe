import { asc, eq } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { pausedListeners, republishes } from '../schema.ts';
import type { OpenDatabase } from '../sqlite/open-database.ts';
import { guarded } from '../journal-outage.ts';

/** A listener an operator paused: who and when. */
export interface PausedListener {
  name: string;
  by: string;
  at: number;
}

/** Where a republished message came from, and who republished it. */
export interface RepublishLink {
  messageId: string;
  sourceId: string;
  actor: string;
  at: number;
}

/**
 * What operators' actions leave beside the journal: paused listeners (so a pause outlives a restart)
 * and republish links (a message sent again points at its source). Small, rare writes, never on the
 * hot path. Both implementations pass the same tests (operations-store.test.ts).
 */
export interface OperationsStore {
  paused(): Promise<PausedListener[]>;
  setPaused(p: PausedListener): Promise<void>;
  clearPaused(name: string): Promise<void>;
  recordRepublish(links: readonly RepublishLink[]): Promise<void>;
  /** The message `id` was republished from, if any. */
  republishOf(id: string): Promise<RepublishLink | undefined>;
  /** The messages republished from `id`, oldest first. */
  republishedAs(id: string): Promise<RepublishLink[]>;
}

/** In memory, lost with the process (the memory journal's companion). */
export class MemoryOperationsStore implements OperationsStore {
  private readonly pausedByName = new Map<string, PausedListener>();
  private readonly links = new Map<string, RepublishLink>();

  paused(): Promise<PausedListener[]> {
    return Promise.resolve([...this.pausedByName.values()].sort((a, b) => a.name.localeCompare(b.name)));
  }
  setPaused(p: PausedListener): Promise<void> {
    this.pausedByName.set(p.name, { ...p });
    return Promise.resolve();
  }
  clearPaused(name: string): Promise<void> {
    this.pausedByName.delete(name);
    return Promise.resolve();
  }
  recordRepublish(links: readonly RepublishLink[]): Promise<void> {
    for (const l of links) this.links.set(l.messageId, { ...l });
    return Promise.resolve();
  }
  republishOf(id: string): Promise<RepublishLink | undefined> {
    return Promise.resolve(this.links.get(id));
  }
  republishedAs(id: string): Promise<RepublishLink[]> {
    return Promise.resolve(
      [...this.links.values()].filter((l) => l.sourceId === id).sort((a, b) => a.at - b.at),
    );
  }
}

/** In the journal's SQLite file, on the engine's connection. An outage rejects as JOURNAL_UNAVAILABLE. */
export class SqliteOperationsStore implements OperationsStore {
  private readonly db: BetterSQLite3Database;

  constructor(open: OpenDatabase) {
    this.db = open.db;
  }

  paused(): Promise<PausedListener[]> {
    return guarded('read paused listeners', () =>
      this.db
        .select({ name: pausedListeners.name, by: pausedListeners.pausedBy, at: pausedListeners.pausedAt })
        .from(pausedListeners)
        .orderBy(asc(pausedListeners.name))
        .all(),
    );
  }
  setPaused(p: PausedListener): Promise<void> {
    return guarded(`pause ${p.name}`, () => {
      this.db
        .insert(pausedListeners)
        .values({ name: p.name, pausedBy: p.by, pausedAt: p.at })
        .onConflictDoUpdate({ target: pausedListeners.name, set: { pausedBy: p.by, pausedAt: p.at } })
        .run();
    });
  }
  clearPaused(name: string): Promise<void> {
    return guarded(`resume ${name}`, () => {
      this.db.delete(pausedListeners).where(eq(pausedListeners.name, name)).run();
    });
  }
  recordRepublish(links: readonly RepublishLink[]): Promise<void> {
    if (links.length === 0) return Promise.resolve();
    return guarded('record a republish', () => {
      this.db
        .insert(republishes)
        .values([...links])
        .onConflictDoNothing()
        .run();
    });
  }
  republishOf(id: string): Promise<RepublishLink | undefined> {
    return guarded(`read where ${id} came from`, () =>
      this.db.select().from(republishes).where(eq(republishes.messageId, id)).get(),
    );
  }
  republishedAs(id: string): Promise<RepublishLink[]> {
    return guarded(`read what ${id} was republished as`, () =>
      this.db
        .select()
        .from(republishes)
        .where(eq(republishes.sourceId, id))
        .orderBy(asc(republishes.at))
        .limit(50)
        .all(),
    );
  }
}
