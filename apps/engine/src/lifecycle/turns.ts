/**
 * At most `n` at a time; the others wait their turn, first come first served. For work that a client may
 * ask for many times at once (a batch of fifty searches, three hundred replays of the event log) and
 * that runs on the engine's thread in slices: each slice gives the event loop a turn, but with hundreds
 * of them under way a turn would hold hundreds of slices, and the pump and every other request wait.
 */
export class Turns {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly n: number) {}

  /** Resolves when it is the caller's turn; `done()` must follow, once. */
  take(): Promise<void> {
    if (this.running < this.n) {
      this.running++;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(resolve));
  }

  /** Ends a turn: the next waiting one starts. */
  done(): void {
    const next = this.waiting.shift();
    // The ended turn passes to the next one as it is: the count stays.
    if (next) next();
    else this.running--;
  }

  /** Runs `work` in a turn. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    await this.take();
    try {
      return await work();
    } finally {
      this.done();
    }
  }
}
