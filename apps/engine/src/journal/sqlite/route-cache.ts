import type Database from 'better-sqlite3';
import type { RoutedTransition, Transition } from '@organism/shared';
import type { EntryRow } from '../entry-record.ts';

/** What the event stream sends of a transition's entry: its route and kind (none for an entry gone). */
export type Route = Pick<RoutedTransition, 'from' | 'to' | 'root' | 'kind'>;

/** The route of a transition whose entry is gone (discarded): what a join to no row gives. */
export const GONE: Route = Object.freeze({ from: null, to: null, root: null, kind: '' });

/**
 * The routes of the entries this journal wrote lately, by id, noted as each is recorded. The event
 * stream reads each page of new transitions with their routes; with these it reads the transitions alone
 * instead of joined to their entries, which took twice as long a row (`RoutedReads` below). An entry's
 * route never changes; a discarded one is forgotten (`drop`), so its transitions read as gone.
 *
 * Two generations of `size` entries: when the young one is full it becomes the old one and the oldest
 * are let go. A route not found is read from the table.
 */
export class RouteCache {
  private young = new Map<string, Route>();
  private old = new Map<string, Route>();

  constructor(private readonly size = 16_384) {}

  add(row: Pick<EntryRow, 'id' | 'from' | 'to' | 'root' | 'kind'>): void {
    if (this.young.size >= this.size) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(row.id, { from: row.from, to: row.to, root: row.root, kind: row.kind });
  }

  get(id: string): Route | undefined {
    return this.young.get(id) ?? this.old.get(id);
  }

  drop(id: string): void {
    this.young.delete(id);
    this.old.delete(id);
  }
}

/** A transition as `RoutedReads` reads it, in the order of its columns. */
export type PageRow = [
  seq: number,
  messageId: string,
  threadId: string | null,
  state: Transition['state'],
  attempt: number,
  errorCode: string | null,
  detail: string | null,
  at: number,
];

/** A page with more entries than this missing from the cache is read joined, in one statement. */
const MISSES = 32;

/**
 * Transitions after `afterSeq` with their entry's route, as the event stream sends them: the page alone,
 * each route from `routes` or else from its entry, or the page joined to the entries when many are not
 * cached (a subscriber catching up from long ago, the entries a previous run left). Both give the same:
 * a discarded entry is gone, so its transitions have no route and kind `''`.
 */
export class RoutedReads {
  private readonly page: Database.Statement;
  private readonly joined: Database.Statement;
  private readonly route: Database.Statement;

  constructor(
    sqlite: Database.Database,
    private readonly routes: RouteCache,
  ) {
    const columns = `t.seq, t.message_id AS messageId, t.thread_id AS threadId, t.state, t.attempt,
         t.error_code AS errorCode, t.detail, t.at`;
    // As arrays, each made into one object of the same shape below: objects of named columns, each
    // given its route afterwards, took twice as long a row.
    this.page = sqlite
      .prepare(`SELECT ${columns} FROM transitions t WHERE t.seq > ? ORDER BY t.seq LIMIT ?`)
      .raw();
    this.joined = sqlite.prepare(
      `SELECT ${columns}, m.from_name AS "from", m.to_name AS "to", m.root, coalesce(m.kind, '') AS kind
       FROM transitions t LEFT JOIN messages m ON m.id = t.message_id
       WHERE t.seq > ? ORDER BY t.seq LIMIT ?`,
    );
    this.route = sqlite.prepare(
      `SELECT from_name AS "from", to_name AS "to", root, kind FROM messages WHERE id = ?`,
    );
  }

  read(afterSeq: number, limit: number): RoutedTransition[] {
    const rows = this.page.all(afterSeq, limit) as PageRow[];
    const out = new Array<RoutedTransition>(rows.length);
    let misses = 0;
    for (let i = 0; i < rows.length; i++) {
      const t = rows[i]!;
      const id = t[1];
      let r = this.routes.get(id);
      if (!r) {
        if (++misses > MISSES) return this.joined.all(afterSeq, limit) as RoutedTransition[];
        const found = this.route.get(id) as Route | undefined;
        // The entry's next transitions are then found here (a recovered entry's start and end).
        if (found) this.routes.add({ id, ...found });
        r = found ?? GONE;
      }
      out[i] = {
        seq: t[0],
        messageId: id,
        threadId: t[2],
        state: t[3],
        attempt: t[4],
        errorCode: t[5],
        detail: t[6],
        at: t[7],
        from: r.from,
        to: r.to,
        root: r.root,
        kind: r.kind,
      };
    }
    return out;
  }
}
