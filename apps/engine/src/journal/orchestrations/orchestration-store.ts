import { and, eq, getTableColumns, lt, sql } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { orchestrations } from '../schema.ts';
import type { OpenDatabase } from '../sqlite/open-database.ts';
import { guarded } from '../journal-outage.ts';

/** One run of system.sequence or system.buffer, as it is kept (spec and state are JSON). */
export interface OrchestrationRow {
  id: string;
  kind: 'sequence' | 'buffer';
  threadId: string;
  spec: string;
  state: string;
  status: 'running' | 'done';
  deadline: number | null;
  createdAt: number;
  updatedAt: number;
}

/**
 * Where system.sequence and system.buffer keep their runs (lifecycle/orchestration/): written at each
 * step, read back at start, and forgotten `journal.retainDays` after they ended. Both implementations
 * pass the same tests (orchestration-store.test.ts).
 */
export interface OrchestrationStore {
  get(id: string): Promise<OrchestrationRow | undefined>;
  put(row: OrchestrationRow): Promise<void>;
  /** Every run still going, oldest first. */
  running(): Promise<OrchestrationRow[]>;
  /** The runs started in a thread, oldest first (at most 50). */
  ofThread(threadId: string): Promise<OrchestrationRow[]>;
  /** Forgets the runs that ended before `cutoff` (ms), as retention prunes the journal; returns how many. */
  prune(cutoff: number): Promise<number>;
}

/** In memory, lost with the process (the memory journal's companion). */
export class MemoryOrchestrationStore implements OrchestrationStore {
  private readonly rows = new Map<string, OrchestrationRow>();
  get(id: string): Promise<OrchestrationRow | undefined> {
    const row = this.rows.get(id);
    return Promise.resolve(row && { ...row });
  }
  put(row: OrchestrationRow): Promise<void> {
    this.rows.set(row.id, { ...row });
    return Promise.resolve();
  }
  ofThread(threadId: string): Promise<OrchestrationRow[]> {
    return Promise.resolve(
      [...this.rows.values()]
        .filter((r) => r.threadId === threadId)
        .sort((a, b) => a.createdAt - b.createdAt)
        .slice(0, 50)
        .map((r) => ({ ...r })),
    );
  }
  running(): Promise<OrchestrationRow[]> {
    return Promise.resolve(
      [...this.rows.values()]
        .filter((r) => r.status === 'running')
        .sort((a, b) => a.createdAt - b.createdAt)
        .map((r) => ({ ...r })),
    );
  }
  prune(cutoff: number): Promise<number> {
    let pruned = 0;
    for (const [id, r] of this.rows)
      if (r.status === 'done' && r.updatedAt < cutoff && this.rows.delete(id)) pruned++;
    return Promise.resolve(pruned);
  }
}

/**
 * In the journal's SQLite file, on the engine's connection. An outage rejects as JOURNAL_UNAVAILABLE.
 * A run's row is read and written at each of its steps: both are prepared once (bench/NOTES.md, "A
 * lightly loaded engine").
 */
export class SqliteOrchestrationStore implements OrchestrationStore {
  private readonly db: BetterSQLite3Database;
  private readonly byId;
  private readonly upsert;

  constructor(open: OpenDatabase) {
    const db = (this.db = open.db);
    this.byId = db
      .select()
      .from(orchestrations)
      .where(eq(orchestrations.id, sql.placeholder('id')))
      .prepare();
    const columns = Object.entries(getTableColumns(orchestrations));
    this.upsert = db
      .insert(orchestrations)
      .values(Object.fromEntries(columns.map(([key]) => [key, sql.placeholder(key)])) as never)
      .onConflictDoUpdate({
        target: orchestrations.id,
        set: Object.fromEntries(
          columns
            .filter(([key]) => key !== 'id')
            .map(([key, c]) => [key, sql`excluded.${sql.identifier(c.name)}`]),
        ),
      })
      .prepare();
  }
  get(id: string): Promise<OrchestrationRow | undefined> {
    return guarded(`read orchestration ${id}`, () => this.byId.get({ id }));
  }
  put(row: OrchestrationRow): Promise<void> {
    return guarded(`record orchestration ${row.id}`, () => {
      this.upsert.run(row as unknown as Record<string, unknown>);
    });
  }
  ofThread(threadId: string): Promise<OrchestrationRow[]> {
    return guarded(`read the orchestrations of thread ${threadId}`, () =>
      this.db
        .select()
        .from(orchestrations)
        .where(eq(orchestrations.threadId, threadId))
        .orderBy(orchestrations.createdAt)
        .limit(50)
        .all(),
    );
  }
  running(): Promise<OrchestrationRow[]> {
    return guarded('read running orchestrations', () =>
      this.db
        .select()
        .from(orchestrations)
        .where(eq(orchestrations.status, 'running'))
        .orderBy(orchestrations.createdAt)
        .all(),
    );
  }
  prune(cutoff: number): Promise<number> {
    return guarded('prune ended orchestrations', () =>
      this.db
        .delete(orchestrations)
        .where(and(eq(orchestrations.status, 'done'), lt(orchestrations.updatedAt, cutoff)))
        .run(),
    ).then((r) => r.changes);
  }
}
