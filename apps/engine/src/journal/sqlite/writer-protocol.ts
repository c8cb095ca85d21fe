import type { CheckpointerOptions } from './checkpointer.ts';
import type { KnownEntries } from './statements.ts';
import type { BatchValue, WriteOp } from './write-ops.ts';

/** What the writer thread is started with. */
export interface WriterData {
  path: string;
  strict: boolean;
  busyTimeoutMs: number;
  /** Its WAL size limit; the engine's checkpointer makes the checkpoints (checkpointer.ts). */
  checkpoints: CheckpointerOptions | undefined;
  /** Entries written before the text index takes them (text-index.ts); undefined: the default. */
  textIndexBatch: number | undefined;
}

/**
 * A batch to commit; a pragma to run between two batches (the checkpointer's, while this connection
 * commits); `forget` before the first batch after the engine's connection committed meanwhile (what the
 * thread's statements knew of unfinished entries is stale), then `known`, what the engine's connection
 * knew of them when it handed the commits over; `close`.
 */
export type ToWriter =
  | { type: 'batch'; seq: number; ops: WriteOp[] }
  | { type: 'pragma'; sql: string }
  | { type: 'forget' }
  | ({ type: 'known' } & KnownEntries)
  | { type: 'close' };

/** A SQLite error as plain data: its code is what tells an outage from a bug (journal-outage.ts). */
export interface WriterError {
  name: string;
  message: string;
  code?: string;
}

export type FromWriter =
  | { type: 'ready' }
  | { type: 'done'; seq: number; value?: BatchValue; error?: WriterError }
  | { type: 'log'; level: 'error' | 'warn' | 'info'; message: string; err?: WriterError }
  | { type: 'closed' };

export function writerError(err: unknown): WriterError {
  if (!(err instanceof Error)) return { name: 'Error', message: String(err) };
  const code = (err as { code?: unknown }).code;
  return { name: err.name, message: err.message, ...(typeof code === 'string' ? { code } : {}) };
}

/** The error again, with its code, on the engine's thread. */
export function revived(e: WriterError): Error {
  const err = new Error(e.message);
  err.name = e.name;
  if (e.code !== undefined) Object.assign(err, { code: e.code });
  return err;
}
