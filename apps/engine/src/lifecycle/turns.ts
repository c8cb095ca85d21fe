import { EngineError } from '@organism/shared';

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

/**
 * Each asker's work one at a time, within `all` (at most its n at once for everyone), and at most
 * `maxQueued` of an asker's running or waiting: past that, RATE_LIMITED at once. One asker can then never
 * hold every one of `all`'s turns, nor queue work ahead of others without end (a batch of fifty costly
 * searches kept every other user's search waiting for minutes).
 */
export class TurnsByAsker {
  private readonly askers = new Map<string, { turns: Turns; queued: number }>();

  constructor(
    private readonly all: Turns,
    private readonly maxQueued: number,
    /** What is asked, for the refusal: "searches". */
    private readonly what: string,
  ) {}

  async run<T>(asker: string, work: () => Promise<T>): Promise<T> {
    let own = this.askers.get(asker);
    if (!own) this.askers.set(asker, (own = { turns: new Turns(1), queued: 0 }));
    if (own.queued >= this.maxQueued)
      throw new EngineError(
        'RATE_LIMITED',
        `you have ${own.queued} ${this.what} running or waiting, the most one user may: ask again once they are answered`,
      );
    own.queued++;
    try {
      return await own.turns.run(() => this.all.run(work));
    } finally {
      own.queued--;
      if (own.queued === 0) this.askers.delete(asker);
    }
  }
}
