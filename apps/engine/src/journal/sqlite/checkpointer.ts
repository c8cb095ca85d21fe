import { statSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import type Database from 'better-sqlite3';
import type { Log } from '@organism/shared';

const ENTRY = new URL('./checkpointer-worker.mjs', import.meta.url);
/** The main connection's own checkpoints, in pages: now and then without the thread, rarely with it. */
const INLINE_PAGES = 10_000;
const BACKSTOP_PAGES = 100_000;

/**
 * The connection that commits the journal's batches now: the engine's, or the writer thread's (which
 * runs what it is given between two of its batches). Only that connection may finish a round or
 * checkpoint on commit.
 */
export interface CommittingConnection {
  pragma(sql: string): void;
}

export interface CheckpointerOptions {
  /** WAL size (bytes) at which the thread starts: a small journal never needs one. Default 16 MiB. */
  startAtBytes?: number;
  /** How often it checkpoints. Default 500 ms. */
  intervalMs?: number;
  /** What the WAL file is cut back to when it starts over (`journal_size_limit`). Default 64 MiB. */
  walLimitBytes?: number;
}

/**
 * Moves the WAL's checkpoints off the engine's thread. SQLite checkpoints on the committing
 * connection by default, so one commit in a few thousand would also copy up to 40 MB into the
 * database file (and sync it) while every message waits. Once the WAL is large enough to matter, a
 * worker thread checkpoints on its own connection every half second, PASSIVE (never blocking a
 * writer), and the committing connection keeps only a far backstop of its own. A round copies again what
 * commits added while it copied, until a pass copies few frames (checkpoint-round.mjs). After each round
 * the committing connection copies the frames committed since (`finishRound`), so that the WAL starts
 * over instead of growing under steady load. A failure is logged and puts the inline checkpoints back.
 * The journal has one for its whole life, whichever connection commits (`moveTo`).
 */
export class Checkpointer {
  private worker: Worker | undefined;
  private readonly startAt: number;
  private readonly intervalMs: number;
  /** Rounds the thread has made (for tests and metrics). */
  checkpoints = 0;
  /** Rounds the engine's connection finished, so that the WAL could start over (for tests). */
  finished = 0;
  /** Where rounds are finished and commits checkpoint: the engine's connection until `moveTo`. */
  private committing: CommittingConnection;
  /** Pages at which the committing connection checkpoints on commit. */
  private pages = INLINE_PAGES;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly path: string,
    private readonly strict: boolean,
    private readonly log: Log,
    opts: CheckpointerOptions = {},
  ) {
    this.startAt = opts.startAtBytes ?? 16 * 1024 * 1024;
    this.intervalMs = opts.intervalMs ?? 500;
    this.committing = sqlite;
    sqlite.pragma(`wal_autocheckpoint = ${INLINE_PAGES}`);
    sqlite.pragma(walLimit(opts));
  }

  /**
   * Hands the checkpoints to the connection that commits from now on: rounds are finished there, and
   * only it checkpoints on commit (the other may still commit now and then, an operator's write on the
   * engine's connection, and must not copy a large WAL there).
   */
  moveTo(connection: CommittingConnection): void {
    if (connection === this.committing) return;
    this.committing.pragma('wal_autocheckpoint = 0');
    this.committing = connection;
    this.setPages(this.pages);
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

  /**
   * Copies the frames committed while the thread's round ran, on the connection that commits, between two
   * of its transactions (the writer thread runs it between two batches): no frame can arrive meanwhile, so
   * the WAL is then wholly in the database file and the next commit starts it over (SQLite restarts a WAL
   * only at a write that begins with every frame copied). Without this, under steady load the thread's
   * rounds never catch up and the WAL grows to the backstop (400 MB), which then copies it all on the
   * engine's thread. It copies what arrived since the round's last pass (a few milliseconds' commits),
   * then syncs the database file: that sync, not the copy, is most of what the commits meanwhile wait for
   * (6-15 ms at 1,000 msg/s on the development machine; 17-35 ms when each round made one pass). `busy` (a
   * reader or the thread in the way) leaves it for the next round.
   * Only a round finished on the engine's connection is counted in `finished`.
   */
  finishRound(): void {
    const on = this.committing;
    if (on !== this.sqlite) return on.pragma('wal_checkpoint(PASSIVE)');
    try {
      const [r] = this.sqlite.pragma('wal_checkpoint(PASSIVE)') as { busy: number; log: number }[];
      if (r && r.busy === 0 && r.log > 0) this.finished++;
    } catch (err) {
      this.log.warn({ err }, 'the journal could not finish a checkpoint; the next round will');
    }
  }

  private setPages(pages: number): void {
    this.pages = pages;
    this.committing.pragma(`wal_autocheckpoint = ${pages}`);
  }

  private start(): void {
    const worker = new Worker(ENTRY, {
      name: 'organism-checkpointer',
      workerData: { path: this.path, strict: this.strict, intervalMs: this.intervalMs },
    });
    worker.unref();
    this.worker = worker;
    this.setPages(BACKSTOP_PAGES);
    const lost = (err: unknown): void => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      this.setPages(INLINE_PAGES);
      this.log.error({ err }, 'the journal checkpointer failed; checkpoints are made by the engine again');
      void worker.terminate();
    };
    worker.on('message', (m: { type: string; message?: string }) => {
      if (m.type !== 'checkpointed') return lost(new Error(m.message));
      this.checkpoints++;
      this.finishRound();
    });
    worker.on('error', lost);
    worker.on('exit', (code) => lost(new Error(`the checkpointer exited with code ${code}`)));
  }
}

/** What the WAL file is cut back to when it starts over: set on every connection that commits. */
export function walLimit(opts: CheckpointerOptions = {}): string {
  return `journal_size_limit = ${opts.walLimitBytes ?? 64 * 1024 * 1024}`;
}
