import { asc, eq } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { OpenPostgres } from '../postgres/open-postgres.ts';
import { pausedListeners as pgPaused, republishes as pgRepublishes } from '../postgres/schema.ts';
import { guarded } from '../journal-outage.ts';
import type { OperationsStore, PausedListener, RepublishLink } from './operations-store.ts';

/** Oldest first; the message id orders links made in the same ms (PostgreSQL keeps no insertion order). */
const bySent = [asc(pgRepublishes.at), asc(pgRepublishes.messageId)];

/** In the PostgreSQL journal's schema, on its pool. An outage rejects as JOURNAL_UNAVAILABLE. */
export class PgOperationsStore implements OperationsStore {
  private readonly db: NodePgDatabase;

  constructor(open: OpenPostgres) {
    this.db = open.db;
  }

  paused(): Promise<PausedListener[]> {
    const columns = { name: pgPaused.name, by: pgPaused.pausedBy, at: pgPaused.pausedAt };
    return guarded('read paused listeners', () =>
      this.db.select(columns).from(pgPaused).orderBy(asc(pgPaused.name)),
    );
  }
  async setPaused(p: PausedListener): Promise<void> {
    const row = { name: p.name, pausedBy: p.by, pausedAt: p.at };
    await guarded(`pause ${p.name}`, () =>
      this.db.insert(pgPaused).values(row).onConflictDoUpdate({ target: pgPaused.name, set: row }),
    );
  }
  async clearPaused(name: string): Promise<void> {
    await guarded(`resume ${name}`, () => this.db.delete(pgPaused).where(eq(pgPaused.name, name)));
  }
  async recordRepublish(links: readonly RepublishLink[]): Promise<void> {
    if (links.length === 0) return;
    await guarded('record a republish', () =>
      this.db
        .insert(pgRepublishes)
        .values([...links])
        .onConflictDoNothing(),
    );
  }
  async republishOf(id: string): Promise<RepublishLink | undefined> {
    const [row] = await guarded(`read where ${id} came from`, () =>
      this.db.select().from(pgRepublishes).where(eq(pgRepublishes.messageId, id)),
    );
    return row;
  }
  republishedAs(id: string): Promise<RepublishLink[]> {
    const from = eq(pgRepublishes.sourceId, id);
    return guarded(`read what ${id} was republished as`, () =>
      this.db
        .select()
        .from(pgRepublishes)
        .where(from)
        .orderBy(...bySent)
        .limit(50),
    );
  }
}
