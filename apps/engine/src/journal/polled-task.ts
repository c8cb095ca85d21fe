/**
 * A task that reads the journal, run when asked and on a poll, never twice at once: asked while it runs,
 * it runs once more after, so what changed meanwhile is seen; with `gapMs`, that run waits until `gapMs`
 * after the one before ended, so a task asked without pause runs at most 1000 / gapMs times a second. A failed run is left to the next (the
 * journal's writes report an outage; the task only retries). Its poll timer never keeps the process alive.
 */
export class PolledTask {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(
    private readonly work: () => Promise<void>,
    private readonly pollMs: number,
    private readonly failed: (err: unknown) => void = () => {},
    private readonly gapMs = 0,
  ) {}

  /** Polls from now on. */
  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  /** Runs now, or once more after the run under way. Resolves when a run found nothing more to do. */
  run(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      do {
        this.again = false;
        await this.work().catch(this.failed);
        if (this.again && this.gapMs > 0) await new Promise((r) => setTimeout(r, this.gapMs));
      } while (this.again && !this.stopped);
    })().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.run().finally(() => this.schedule()), this.pollMs);
    this.timer.unref();
  }
}
