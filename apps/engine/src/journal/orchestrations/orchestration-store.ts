import { and, eq, isNull, lt } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { OpenPostgres } from '../postgres/open-postgres.ts';
import { orchestrations as pgRuns } from '../postgres/schema.ts';
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

/** In the journal's SQLite file, on the engine's connection. An outage rejects as JOURNAL_UNAVAILABLE. */
export class SqliteOrchestrationStore implements OrchestrationStore {
  private readonly db: BetterSQLite3Database;
  constructor(open: OpenDatabase) {
    this.db = open.db;
  }
  get(id: string): Promise<OrchestrationRow | undefined> {
    return guarded(`read orchestration ${id}`, () =>
      this.db.select().from(orchestrations).where(eq(orchestrations.id, id)).get(),
    );
  }
  put(row: OrchestrationRow): Promise<void> {
    return guarded(`record orchestration ${row.id}`, () => {
      const { id: _id, ...rest } = row;
      this.db
        .insert(orchestrations)
        .values(row)
        .onConflictDoUpdate({ target: orchestrations.id, set: rest })
        .run();
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

/**
 * In the PostgreSQL journal's schema, on its pool. An outage rejects as JOURNAL_UNAVAILABLE. Where several
 * engines share the schema, each drives its own runs (`owner`, engine-membership.ts): `running` is this
 * engine's, and an engine that dies has its runs adopted with its entries.
 */
export class PgOrchestrationStore implements OrchestrationStore {
  private readonly db: NodePgDatabase;
  constructor(
    open: OpenPostgres,
    private readonly owner: string | null = null,
  ) {
    this.db = open.db;
  }
  async get(id: string): Promise<OrchestrationRow | undefined> {
    const [row] = await guarded(`read orchestration ${id}`, () =>
      this.db.select().from(pgRuns).where(eq(pgRuns.id, id)),
    );
    return row;
  }
  async put(row: OrchestrationRow): Promise<void> {
    const { id: _id, ...rest } = row;
    await guarded(`record orchestration ${row.id}`, () =>
      this.db
        .insert(pgRuns)
        .values({ ...row, owner: this.owner })
        .onConflictDoUpdate({ target: pgRuns.id, set: { ...rest, owner: this.owner } }),
    );
  }
  ofThread(threadId: string): Promise<OrchestrationRow[]> {
    return this.oldestFirst(
      `read the orchestrations of thread ${threadId}`,
      eq(pgRuns.threadId, threadId),
      50,
    );
  }
  running(): Promise<OrchestrationRow[]> {
    const mine = this.owner === null ? isNull(pgRuns.owner) : eq(pgRuns.owner, this.owner);
    return this.oldestFirst('read running orchestrations', and(eq(pgRuns.status, 'running'), mine)!);
  }
  async prune(cutoff: number): Promise<number> {
    const result = await guarded('prune ended orchestrations', () =>
      this.db.delete(pgRuns).where(and(eq(pgRuns.status, 'done'), lt(pgRuns.updatedAt, cutoff))),
    );
    return result.rowCount ?? 0;
  }
  /**
   * The runs `where` matches, oldest first. The id orders those started in the same ms: PostgreSQL keeps
   * no insertion order to fall back on, as SQLite's rowid does.
   */
  private oldestFirst(doing: string, where: SQL, limit?: number): Promise<OrchestrationRow[]> {
    return guarded(doing, () => {
      const query = this.db
        .select()
        .from(pgRuns)
        .where(where)
        .orderBy(pgRuns.createdAt, pgRuns.id)
        .$dynamic();
      return limit === undefined ? query : query.limit(limit);
    });
  }
}
