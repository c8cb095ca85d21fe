import type { JournalAvailableEvent, JournalUnavailableEvent, Log } from '@organism/shared';

/** Whether the journal can write now; when it cannot, why and since when (ms since the epoch). */
export type JournalCondition =
  | { available: true; failedWrites: number }
  | { available: false; failedWrites: number; reason: string; since: number };

export interface JournalHealthOptions {
  /** A small real write (Journal.probe); its outcome also reaches `written`. */
  probe(): Promise<void>;
  /** How many deliveries lost their outcome so far (MessagePump.unrecorded). */
  unrecorded(): number;
  emit(event: JournalUnavailableEvent | JournalAvailableEvent): void;
  /** Gets one error line when an outage starts and one info line when it ends. */
  log: Log;
  /** How often to probe while the journal cannot write. Default 1 s. */
  probeEveryMs?: number;
}

interface Outage {
  reason: string;
  since: number;
  failedWrites: number;
  unrecorded: number;
}

/**
 * Tracks whether the journal can write, from the outcome of every write transaction. The first
 * failure starts an outage: logged once, announced once, intake refused. Only a probe write brings
 * the journal back (a small write squeezing into a full file proves nothing), tried every
 * `probeEveryMs` until one succeeds; then the outage ends, logged and announced once.
 */
export class JournalHealth {
  private outage: Outage | undefined;
  private failed = 0;
  private timer: NodeJS.Timeout | undefined;
  private probing = false;
  private readonly every: number;

  constructor(private readonly opts: JournalHealthOptions) {
    this.every = opts.probeEveryMs ?? 1_000;
  }

  get available(): boolean {
    return this.outage === undefined;
  }

  get condition(): JournalCondition {
    const o = this.outage;
    return o
      ? { available: false, failedWrites: this.failed, reason: o.reason, since: o.since }
      : { available: true, failedWrites: this.failed };
  }

  /** The outcome of one write transaction: no argument when it was committed, else its error. */
  written(error?: unknown): void {
    if (error === undefined) return;
    this.failed++;
    if (this.outage) return;
    const reason = describeWriteError(error);
    this.outage = {
      reason,
      since: Date.now(),
      failedWrites: this.failed - 1,
      unrecorded: this.opts.unrecorded(),
    };
    this.opts.log.error(
      { reason, code: 'JOURNAL_UNAVAILABLE' },
      `journal unavailable: ${reason}. Intake is refused (503 JOURNAL_UNAVAILABLE) until a write works again; probing every ${this.every} ms.`,
    );
    this.opts.emit({ type: 'journal.unavailable', at: Date.now(), reason });
    this.timer = setInterval(() => void this.probe(), this.every);
    this.timer.unref();
  }

  /** Stops probing (the engine is closing). */
  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async probe(): Promise<void> {
    if (this.probing || !this.outage) return;
    this.probing = true;
    try {
      await this.opts.probe();
      this.recovered();
    } catch {
      // Counted through `written`; the outage goes on and the next tick tries again.
    } finally {
      this.probing = false;
    }
  }

  private recovered(): void {
    const o = this.outage;
    if (!o) return;
    this.outage = undefined;
    this.stop();
    const downMs = Date.now() - o.since;
    const failedWrites = this.failed - o.failedWrites;
    const unrecorded = this.opts.unrecorded() - o.unrecorded;
    this.opts.log.info(
      { downMs, failedWrites, unrecorded },
      `journal available again after ${(downMs / 1000).toFixed(1)} s (${failedWrites} failed writes); intake is open.` +
        (unrecorded > 0
          ? ` ${unrecorded} deliveries lost their outcome: they stay unfinished in the journal and run again at the next start.`
          : ''),
    );
    this.opts.emit({ type: 'journal.available', at: Date.now(), downMs, failedWrites, unrecorded });
  }
}

/** `SQLITE_FULL: database or disk is full`, or the error's message when it has no code. */
export function describeWriteError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && !error.message.includes(code)
    ? `${code}: ${error.message}`
    : error.message;
}
