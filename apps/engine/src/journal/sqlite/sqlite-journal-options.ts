import type { Log } from '@organism/shared';
import type { CheckpointerOptions } from './checkpointer.ts';

/** How an embedded journal is opened (sqlite-journal.ts): its file, durability and where it commits. */
export interface SqliteJournalOptions {
  path: string;
  durability: 'strict' | 'fast';
  /**
   * Most writes (state changes) in one group commit on the engine's thread: about three per delivery.
   * Default 1024. The writer thread takes smaller batches, several at once (writer-thread.ts).
   */
  maxBatch?: number;
  now?: () => number;
  /** Where write failures nobody else hears of are reported. Default: human lines on stderr. */
  log?: Log;
  /** ACKED entries retention deletes per transaction (a bulk discard at most 500). Default 5,000. */
  pruneChunk?: number;
  /** When and how often the WAL is checkpointed off the engine's thread (checkpointer.ts). */
  checkpoints?: CheckpointerOptions;
  /**
   * Where batches are committed. `auto` (the default for a file) starts the writer thread once the
   * journal is busy (`THREAD_AFTER` writes, sqlite-journal.ts) and hands it the batches once it is
   * ready (until then they are committed on the engine's thread); `early` starts it as the journal
   * opens and hands it the batches once it is ready (`organism run`: a thread started under load takes seconds, and slows
   * both threads meanwhile); `adaptive` starts it as the journal opens too, but hands it the batches
   * only while the engine's thread is busy, and takes them back once it is not (writer-placement.ts;
   * a strict journal's fsync would hold the engine's event loop, so there it is `early`); `always`
   * starts it as the journal opens and hands it the batches at once (they wait for it); `never` keeps
   * them on the engine's thread (the only choice for `:memory:`).
   */
  writerThread?: WriterThreadPolicy;
  /**
   * Entries written before the text index takes them, in one go (text-index.ts): default 256; 1 indexes
   * each entry in its own transaction, as journals did before. Searches find entries either way.
   */
  textIndexBatch?: number;
}

export type WriterThreadPolicy = 'auto' | 'early' | 'adaptive' | 'always' | 'never';
