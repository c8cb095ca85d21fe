import type { Log } from '@organism/shared';
import type { OrchestrationAnswer } from '../../journal/journal.ts';
import { PolledTask } from '../../journal/polled-task.ts';

/** What PeerAnswers needs of the journal (several engines on one PostgreSQL journal). */
export interface AnswerSource {
  /** The handled replies to orchestration runs answering any of `forwards` (Journal.answersTo). */
  find(forwards: readonly string[]): Promise<OrchestrationAnswer[]>;
  /** `fn` runs when another engine committed writes; returns a function that stops it. */
  onPeerWrites(fn: () => void): () => void;
}

/** How often the runs' answers are looked for when no peer's commit said to. */
const POLL_MS = 1_000;
/** The least time between two looks while peers commit without pause: at most 20 looks a second. */
const GAP_MS = 50;

/**
 * Answers to this engine's orchestration runs that another engine received (docs/scale-out.md). A step's
 * reply is dispatched by the engine that wrote it: the one that ran the step, which need not be the one
 * holding the run (it runs listeners the other does not, or took the step over from an engine that died).
 * There `system.sequence` finds no run waiting and the reply is simply handled (ACKED). The engine holding
 * the run looks for such replies to what it waits on in the journal, whenever another engine commits (at
 * most every GAP_MS) and at least once a second, and takes each in as if it had received it.
 */
export class PeerAnswers {
  private readonly task: PolledTask;
  private stopWatching: (() => void) | undefined;

  constructor(
    private readonly source: AnswerSource,
    /** The forwards this engine's runs wait on. */
    private readonly awaited: () => readonly string[],
    /** Takes an answer in (the orchestrator ignores one it no longer waits for). */
    private readonly take: (answer: OrchestrationAnswer) => Promise<void>,
    log: Log,
  ) {
    this.task = new PolledTask(
      () => this.takeAnswers(),
      POLL_MS,
      // An outage: the journal's writes report it; the next look tries again.
      (err) => log.debug({ err }, 'could not look for the answers other engines received'),
      GAP_MS,
    );
  }

  start(): void {
    this.stopWatching = this.source.onPeerWrites(() => void this.look());
    this.task.start();
  }

  stop(): void {
    this.task.stop();
    this.stopWatching?.();
  }

  /** Looks now, or once more after the look under way. */
  look(): Promise<void> {
    return this.task.run();
  }

  private async takeAnswers(): Promise<void> {
    const forwards = this.awaited();
    if (forwards.length === 0) return;
    for (const answer of await this.source.find(forwards)) await this.take(answer);
  }
}
