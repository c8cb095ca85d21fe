import type Database from 'better-sqlite3';
import type { Delivery } from '../../pump/delivery.ts';
import { newEntryRow } from '../entry-record.ts';
import type { EntryChanges } from '../entry-changes.ts';
import type { EntryRow, TransitionWriter } from '../entry-record.ts';
import type { RouteCache } from './route-cache.ts';
import type { KnownEntries, Statements } from './statements.ts';
import { ImmediateTransaction } from './immediate-transaction.ts';
import { writeProbe } from './write-probe.ts';

type TransitionError = { code: string; detail: string | null } | null;

/**
 * One write of the journal as plain data, so that a batch of them can be committed on this thread or
 * sent to the writer thread (writer-thread.ts) and committed there. Each is one call on `Statements`.
 */
export type WriteOp =
  | [op: 'add', row: EntryRow, attempt: number]
  | [op: 'insert', row: EntryRow]
  | [
      op: 'move',
      id: string,
      threadId: string | null,
      state: string,
      attempt: number,
      at: number,
      error: TransitionError,
      nextAttemptAt: number | null,
    ]
  | [
      op: 'log',
      id: string,
      threadId: string | null,
      state: string,
      attempt: number,
      at: number,
      error: TransitionError,
    ]
  | [op: 'delete', id: string]
  | OperatorOp
  | [op: 'known', known: KnownEntries]
  | [op: 'prune', cutoff: number, limit: number]
  | [op: 'probe'];

/**
 * An operator's action on a dead letter, taken only if the entry is still FAILED when its transaction
 * runs: two operators (or engines) acting on the same dead letter at once act once. `retry` moves it to
 * PENDING keeping its `attempts`; `discard` logs DISCARDED and deletes it. `note` is the transition's
 * detail (who did it). The ids an action found no longer FAILED (moved or gone meanwhile) are the batch's
 * value (`BatchValue`).
 */
export type OperatorOp = [
  op: 'retry' | 'discard',
  id: string,
  threadId: string | null,
  attempts: number,
  at: number,
  note: string | null,
];

/** What a batch answers: how many entries a prune deleted, or the ids its operator actions left alone. */
export type BatchValue = number | string[];

/**
 * Applies an operator's action (`OperatorOp`) to what a transaction gathers, if the entry is still FAILED;
 * returns whether it did. `remove` deletes the entry at once (each database's own statement).
 */
export function applyOperatorOp<R>(
  [op, id, threadId, attempts, at, note]: OperatorOp,
  changes: Pick<EntryChanges, 'stateOf' | 'move' | 'logOnly'>,
  remove: (id: string) => R,
): { done: boolean; removed?: R } {
  if (changes.stateOf(id) !== 'FAILED') return { done: false };
  if (op === 'retry') {
    changes.move(id, threadId, 'PENDING', attempts, at, null, null, note);
    return { done: true };
  }
  changes.logOnly(id, threadId, 'DISCARDED', attempts, at, null, note);
  return { done: true, removed: remove(id) };
}

/** Adds the id an operator's action left alone to a batch's value. */
export function leftAlone(value: BatchValue | undefined, id: string): BatchValue {
  if (Array.isArray(value)) {
    value.push(id);
    return value;
  }
  return [id];
}

/**
 * What the journal writes with, recording each write as a WriteOp into the batch being gathered. Every
 * transition recorded is counted at once (`onLog`: the journal's rates), and each entry's route is noted
 * in `routes` (the event stream's reads), when given.
 */
export class WriteRecorder implements TransitionWriter {
  ops: WriteOp[] = [];

  constructor(
    private readonly now: () => number,
    private readonly onLog: (state: string, at: number, attempt: number) => void,
    private readonly routes?: RouteCache,
  ) {}

  /** A new delivery: PENDING (or ACKED for egress, which is never dispatched). */
  addDelivery(d: Delivery, now: number): void {
    const row = newEntryRow(d, now);
    this.ops.push(['add', row, d.attempt]);
    this.routes?.add(row);
    this.onLog(row.state, now, d.attempt);
  }

  add(ds: readonly Delivery[]): void {
    const now = this.now();
    for (const d of ds) this.addDelivery(d, now);
  }

  /** An entry written as it is, its transition logged separately (`log`). */
  insert(row: EntryRow): void {
    this.ops.push(['insert', row]);
    this.routes?.add(row);
  }

  move(
    id: string,
    threadId: string | null,
    state: string,
    attempt: number,
    now: number,
    error: TransitionError = null,
    nextAttemptAt: number | null = null,
  ): void {
    this.ops.push(['move', id, threadId, state, attempt, now, error, nextAttemptAt]);
    this.onLog(state, now, attempt);
  }

  log(
    id: string,
    threadId: string | null,
    state: string,
    attempt: number,
    now: number,
    error: TransitionError,
  ): void {
    this.ops.push(['log', id, threadId, state, attempt, now, error]);
    this.onLog(state, now, attempt);
  }

  delete(id: string): void {
    this.ops.push(['delete', id]);
    this.routes?.drop(id);
  }

  /** A dead letter back to PENDING if it is still FAILED then (`OperatorOp`). */
  retry(id: string, threadId: string | null, attempts: number, now: number, note: string | null): void {
    this.ops.push(['retry', id, threadId, attempts, now, note]);
    this.onLog('PENDING', now, attempts);
  }

  /** A dead letter deleted, with a DISCARDED transition, if it is still FAILED then (`OperatorOp`). */
  discard(id: string, threadId: string | null, attempts: number, now: number, note: string | null): void {
    this.ops.push(['discard', id, threadId, attempts, now, note]);
    this.routes?.drop(id);
    this.onLog('DISCARDED', now, attempts);
  }

  /**
   * The states and rowids of unfinished entries as just read, so that their moves need not read them
   * again, and find their rows by rowid.
   */
  known(known: KnownEntries): void {
    if (known.ids.length > 0) this.ops.push(['known', known]);
  }

  /** Deletes up to `limit` ACKED entries last updated before `cutoff`: the batch's value is how many. */
  prune(cutoff: number, limit: number): void {
    this.ops.push(['prune', cutoff, limit]);
  }

  /** A write that leaves nothing behind (write-probe.ts). */
  probe(): void {
    this.ops.push(['probe']);
  }

  /** The ops gathered so far, handed over; the recorder starts a new batch. */
  take(): WriteOp[] {
    const ops = this.ops;
    this.ops = [];
    return ops;
  }
}

/**
 * Commits batches of WriteOps on one connection: each batch in one IMMEDIATE transaction, the statements'
 * gathered writes last. The same code runs on the engine's thread and on the writer thread.
 */
export class BatchRunner {
  private readonly probeWrite: () => void;
  private readonly transaction: ImmediateTransaction;
  batches = 0;

  constructor(
    sqlite: Database.Database,
    private readonly st: Statements,
  ) {
    this.probeWrite = writeProbe(sqlite);
    this.transaction = new ImmediateTransaction(sqlite);
  }

  /** Commits `ops`; returns the batch's value (`BatchValue`). Throws what SQLite threw. */
  run(ops: readonly WriteOp[]): BatchValue | undefined {
    let value: BatchValue | undefined;
    try {
      // IMMEDIATE: take the write lock at BEGIN, waiting there for another connection's write (the CLI
      // adding a token, an operator's write on the engine's connection) instead of failing with
      // SQLITE_BUSY when a read would upgrade to a write.
      this.transaction.run(() => {
        for (const op of ops) value = this.apply(op, value);
        this.st.writePending();
      });
    } catch (err) {
      // What the statements gathered, and the states they seemed to write, are forgotten.
      this.st.forget();
      throw err;
    }
    this.batches++;
    return value;
  }

  /** Applies one op; returns the batch's value as it now stands. */
  private apply(op: WriteOp, value: BatchValue | undefined): BatchValue | undefined {
    const st = this.st;
    switch (op[0]) {
      case 'add': {
        const [, row, attempt] = op;
        st.insertRow(row);
        st.logOnly(row.id, row.threadId, row.state, attempt, row.updatedAt, null);
        break;
      }
      case 'insert':
        st.insertRow(op[1]);
        break;
      case 'move':
        st.move(op[1], op[2], op[3], op[4], op[5], op[6], op[7]);
        break;
      case 'log':
        st.logOnly(op[1], op[2], op[3], op[4], op[5], op[6]);
        break;
      case 'delete':
        st.delete(op[1]);
        break;
      case 'retry':
      case 'discard':
        return st.operate(op) ? value : leftAlone(value, op[1]);
      case 'known':
        st.known(op[1]);
        break;
      case 'prune':
        return st.prune(op[1], op[2]);
      case 'probe':
        this.probeWrite();
        break;
    }
    return value;
  }
}
