import type { EntryRow } from './entry-record.ts';

/** 1 for a state an entry is unfinished in (PENDING, DISPATCHED), else 0. */
export const isOpen = (state: string): number => (state === 'PENDING' || state === 'DISPATCHED' ? 1 : 0);
const isFailed = (state: string): number => (state === 'FAILED' ? 1 : 0);
/**
 * The count `journal_counts` keeps beside the four states: FAILED entries that are refused input. Such an
 * entry never moves (it cannot be retried); it is counted in as it is written and out as it is discarded.
 */
export const REFUSED = 'REFUSED';

export type TransitionError = { code: string; detail: string | null } | null;

/**
 * The attempt a move's transition is logged with, given the attempts made (what the entry keeps): the one
 * it makes or ended, and for a move back to PENDING (a scheduled retry, an operator's) the one it waits
 * for, as an entry's first PENDING logs attempt 1. So a retried message's log reads PENDING 1, DISPATCHED
 * 1, FAILED 1, PENDING 2, DISPATCHED 2, and a PENDING's attempt is the one its delivery event carries.
 */
export const loggedAttempt = (state: string, attempts: number): number =>
  state === 'PENDING' ? attempts + 1 : attempts;

/** A state change of an entry already in the table, as the one UPDATE that writes it. */
export interface EntryUpdate {
  state: string;
  attempts: number;
  errorCode: string | null;
  errorDetail: string | null;
  nextAttemptAt: number | null;
  updatedAt: number;
}

/** What one transaction changes in a thread's row: summed, and written once. */
export interface ThreadChange {
  firstAt: number;
  lastAt: number;
  messages: number;
  open: number;
  failed: number;
  /** Names that took part in this transaction's entries, each once, in order. */
  names: string[];
}

/** One transition of the event log as it is appended: message, thread, state, attempt, code, detail, at. */
export type LoggedTransition = [
  id: string,
  threadId: string | null,
  state: string,
  attempt: number,
  errorCode: string | null,
  detail: string | null,
  at: number,
];

/**
 * The journal's hot-path writes of one transaction, gathered as data, whatever the database: new entries
 * in the state they end it in, one update per entry whatever states it went through (a delivery started
 * and acknowledged in one commit is written once), the transitions in order, and one change per thread.
 * Along the way it keeps what the console reads instead of counting rows: each thread's `open` and
 * `failed` entries and its participants, and the entries gained or lost per state. A database's
 * statements write what `take` hands them (sqlite/statements.ts, postgres/pg-writes.ts).
 *
 * A move must know the state it moves from: an entry written in this transaction knows it, so do the
 * unfinished entries this process wrote (about the queue); any other is asked of `read`.
 */
export class EntryChanges {
  /** Entries per state gained or lost since the last `takeCounts`. */
  counts = new Map<string, number>();
  /** The state of each entry known and not yet ACKED or FAILED: a move knows what it moves from. */
  unfinished = new Map<string, string>();
  rows = new Map<string, EntryRow>();
  updates = new Map<string, EntryUpdate>();
  transitions: LoggedTransition[] = [];
  threads = new Map<string, ThreadChange>();

  constructor(private readonly read: (id: string) => string | undefined) {}

  /** Whether anything but the counts waits to be written. */
  get dirty(): boolean {
    return (
      this.rows.size > 0 || this.updates.size > 0 || this.transitions.length > 0 || this.threads.size > 0
    );
  }

  /** An entry's state as this transaction leaves it so far (undefined: there is none). */
  stateOf(id: string): string | undefined {
    return (
      this.rows.get(id)?.state ?? this.updates.get(id)?.state ?? this.unfinished.get(id) ?? this.read(id)
    );
  }

  /** A new entry. The same id twice in one gathering is the caller's to write first (`rows.has`). */
  insertRow(row: EntryRow): void {
    this.rows.set(row.id, row);
    this.counted(row.state, 1);
    if (row.kind === 'rejected') this.counted(REFUSED, 1);
    if (isOpen(row.state)) this.unfinished.set(row.id, row.state);
    if (!row.threadId) return;
    const t = this.threadChange(row.threadId, row.createdAt, row.updatedAt);
    t.messages++;
    t.open += isOpen(row.state);
    t.failed += isFailed(row.state);
    this.participant(t, row.from);
    if (row.to !== row.from) this.participant(t, row.to);
  }

  /**
   * Moves an entry to `state`, `attempt` the attempts it has made then, and appends the transition to the
   * event log (`loggedAttempt`). `note` is the transition's detail where it has no error (who retried it),
   * never the entry's.
   */
  move(
    id: string,
    threadId: string | null,
    state: string,
    attempt: number,
    now: number,
    error: TransitionError = null,
    nextAttemptAt: number | null = null,
    note: string | null = null,
  ): void {
    const change: EntryUpdate = {
      state,
      attempts: attempt,
      errorCode: error?.code ?? null,
      errorDetail: error?.detail ?? null,
      nextAttemptAt,
      updatedAt: now,
    };
    const fresh = this.rows.get(id);
    const was = this.stateOf(id);
    if (fresh) Object.assign(fresh, change);
    else if (was !== undefined) this.updates.set(id, change);
    this.logOnly(id, threadId, state, loggedAttempt(state, attempt), now, error, note);
    if (was === undefined) {
      // The entry is gone (discarded): the transition is logged all the same; nothing to count.
      if (threadId) this.threadChange(threadId, now, now);
      return;
    }
    this.counted(was, -1);
    this.counted(state, 1);
    if (isOpen(state)) this.unfinished.set(id, state);
    else this.unfinished.delete(id);
    if (!threadId) return;
    const t = this.threadChange(threadId, now, now);
    t.open += isOpen(state) - isOpen(was);
    t.failed += isFailed(state) - isFailed(was);
  }

  /** Appends a transition without touching the entry (FAILED before a retry, DISCARDED). */
  logOnly(
    id: string,
    threadId: string | null,
    state: string,
    attempt: number,
    now: number,
    error: TransitionError,
    note: string | null = null,
  ): void {
    this.transitions.push([id, threadId, state, attempt, error?.code ?? null, error?.detail ?? note, now]);
  }

  /** The state of an unfinished entry as just read: its moves then need not read it again. */
  known(id: string, state: string): void {
    if (isOpen(state) && !this.rows.has(id) && !this.updates.has(id)) this.unfinished.set(id, state);
  }

  /** An entry deleted in state `state`: counted out, forgotten. Returns its thread's count changes. */
  deleted(id: string, state: string, kind: string): { open: number; failed: number } {
    this.unfinished.delete(id);
    this.counted(state, -1);
    if (kind === 'rejected') this.counted(REFUSED, -1);
    return { open: -isOpen(state), failed: -isFailed(state) };
  }

  counted(state: string, n: number): void {
    this.counts.set(state, (this.counts.get(state) ?? 0) + n);
  }

  /** Hands over what is gathered (but the counts) to be written, and starts gathering anew. */
  take(): Pick<EntryChanges, 'rows' | 'updates' | 'transitions' | 'threads'> {
    const taken = {
      rows: this.rows,
      updates: this.updates,
      transitions: this.transitions,
      threads: this.threads,
    };
    this.rows = new Map();
    this.updates = new Map();
    this.transitions = [];
    this.threads = new Map();
    return taken;
  }

  /** Hands over the counts per state gained or lost (zeros left out). */
  takeCounts(): [state: string, n: number][] {
    const counts = [...this.counts].filter(([, n]) => n !== 0);
    this.counts = new Map();
    return counts;
  }

  /** After a transaction failed: drops what it gathered, and the states it seemed to write. */
  forget(): void {
    this.counts = new Map();
    this.unfinished = new Map();
    this.take();
  }

  private threadChange(id: string, firstAt: number, lastAt: number): ThreadChange {
    let t = this.threads.get(id);
    if (!t) {
      t = { firstAt, lastAt, messages: 0, open: 0, failed: 0, names: [] };
      this.threads.set(id, t);
    } else {
      t.firstAt = Math.min(t.firstAt, firstAt);
      t.lastAt = Math.max(t.lastAt, lastAt);
    }
    return t;
  }

  private participant(t: ThreadChange, name: string | null): void {
    if (name !== null && !t.names.includes(name)) t.names.push(name);
  }
}
