import { and, eq, isNull, lt } from 'drizzle-orm';
import type { SQL } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import type { OpenPostgres } from '../postgres/open-postgres.ts';
import { orchestrations as pgRuns } from '../postgres/schema.ts';
import { guarded } from '../journal-outage.ts';
import type { OrchestrationRow, OrchestrationStore } from './orchestration-store.ts';

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
