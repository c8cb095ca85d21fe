import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Log } from '@organism/shared';

const ENTRY = new URL('./checkpointer-worker.mjs', import.meta.url);
/** The main connection's own checkpoints, in pages: now and then without the thread, rarely with it. */
const INLINE_PAGES = 10_000;
const BACKSTOP_PAGES = 100_000;

export interface CheckpointerOptions {
  /** WAL size (bytes) at which the thread starts: a small journal never needs one. Default 16 MiB. */
  startAtBytes?: number;
  /** How often it checkpoints. Default 500 ms. */
  intervalMs?: number;
}

/**
 * Moves the WAL's checkpoints off the engine's thread. SQLite checkpoints on the committing
 * connection by default, so one commit in a few thousand would also copy up to 40 MB into the
 * database file (and sync it) while every message waits. Once the WAL is large enough to matter, a
 * worker thread checkpoints on its own connection every half second, PASSIVE (never blocking a
 * writer), and the engine's connection keeps only a far backstop of its own. A failure is logged and
 * puts the inline checkpoints back.
 */
export class Checkpointer {
  private worker: Worker | undefined;
  private readonly startAt: number;
  private readonly intervalMs: number;
  /** Checkpoints the thread has made (for tests and metrics). */
  checkpoints = 0;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly path: string,
    private readonly strict: boolean,
    private readonly log: Log,
    opts: CheckpointerOptions = {},
  ) {
    this.startAt = opts.startAtBytes ?? 16 * 1024 * 1024;
    this.intervalMs = opts.intervalMs ?? 500;
    sqlite.pragma(`wal_autocheckpoint = ${INLINE_PAGES}`);
  }

  /** After each committed batch: starts the thread once the WAL has grown (checked every 64 batches). */
  afterBatch(batches: number): void {
    if (this.worker || batches % 64 !== 0) return;
    let size = 0;
    try {
      size = statSync(`${this.path}-wal`).size;
    } catch {
      return;
    }
    if (size >= this.startAt) this.start();
  }

  /** Stops the thread (its connection closed); the journal checkpoints once more itself as it closes. */
  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (!worker) return;
    // Held until it has closed its connection: the journal's close must not be the last thing the
    // process waits for while nothing keeps it alive (an unref'd worker would let it exit mid-close).
    worker.ref();
    let timer: NodeJS.Timeout | undefined;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    worker.postMessage('close');
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 2_000)))]);
    clearTimeout(timer);
    await worker.terminate();
  }

  private start(): void {
    const worker = new Worker(ENTRY, {
      name: 'organism-checkpointer',
      workerData: { path: this.path, strict: this.strict, intervalMs: this.intervalMs },
    });
    worker.unref();
    this.worker = worker;
    this.sqlite.pragma(`wal_autocheckpoint = ${BACKSTOP_PAGES}`);
    const lost = (err: unknown): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.sqlite.pragma(`wal_autocheckpoint = ${INLINE_PAGES}`);
      this.log.error({ err }, 'the journal checkpointer failed; checkpoints are made by the engine again');
      void worker.terminate();
    };
    worker.on('message', (m: { type: string; message?: string }) => {
      if (m.type === 'checkpointed') this.checkpoints++;
      else lost(new Error(m.message));
    });
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the checkpointer exited with code ${code}`)));
  }
}
