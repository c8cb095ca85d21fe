import type { ExtensionStore } from '../../journal/extensions/extension-store.ts';

/**
 * The least time between two writes of the cursor. Each is a transaction of the engine's connection
 * (with an fsync in strict mode) waiting for the write lock the journal's writer holds; written at each
 * page, at nearly every commit under load, they took about a tenth of a strict journal's rate with a
 * durable extension (bench/NOTES.md, "A lightly loaded engine"). A crash hears again at most this much
 * more of the log.
 */
const CURSOR_EVERY_MS = 250;

/**
 * A durable extension's place in the event log (`seq`), and its keeping in the store: written at most
 * every `CURSOR_EVERY_MS`, once the log is quiet (`wake` is called then, to write it), and as it stops.
 */
export class ExtensionCursor {
  seq = 0;
  /** The cursor as the store has it, and when it was written. */
  private saved = { seq: 0, at: 0 };
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: Pick<ExtensionStore, 'cursor' | 'setCursor'>,
    private readonly extension: string,
    private readonly wake: () => void,
  ) {}

  /** Reads where the extension stopped; a first start begins at `head` (what came before is not replayed). */
  async open(head: number): Promise<number> {
    const saved = await this.store.cursor(this.extension);
    this.seq = saved ?? head;
    if (saved === undefined) await this.store.setCursor(this.extension, this.seq, Date.now());
    this.saved = { seq: this.seq, at: Date.now() };
    return this.seq;
  }

  /** Whether it moved since it was last written. */
  get moved(): boolean {
    return this.seq !== this.saved.seq;
  }

  /** Where the store has it: where the extension would resume. */
  get written(): number {
    return this.saved.seq;
  }

  /**
   * Writes the cursor if it moved and the last write is `CURSOR_EVERY_MS` old; if it moved sooner, wakes
   * the extension then to write it (the log may have nothing new by then).
   */
  async keep(): Promise<void> {
    if (!this.moved) return;
    const wait = this.saved.at + CURSOR_EVERY_MS - Date.now();
    if (wait <= 0) {
      clearTimeout(this.timer);
      this.timer = undefined;
      await this.write();
    } else if (this.timer === undefined) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        this.wake();
      }, wait);
      this.timer.unref();
    }
  }

  /** No more waiting to write: the extension stops (and writes what moved itself, `write`). */
  stop(): void {
    clearTimeout(this.timer);
  }

  async write(): Promise<void> {
    const seq = this.seq;
    const at = Date.now();
    await this.store.setCursor(this.extension, seq, at);
    this.saved = { seq, at };
  }
}
