import type { EngineSummary, JournalStats, SharedConfigSummary } from '@organism/shared';
import type { SubmitResult } from '../pump/message-pump.ts';
import type { XsdRegistry } from '../xml/index.ts';
import type { AmongPeers } from './among-peers.ts';
import { runCleanup } from './cleanup-steps.ts';
import { drainPump } from './drain-pump.ts';
import type { EngineConfiguration } from './engine-configuration.ts';
import type { EngineQueries, EngineQueriesDeps } from './engine-queries.ts';
import { handOver, takeHandover } from './counts-handover.ts';
import { EngineLifecycle } from './engine-state.ts';
import type { EngineState } from './engine-state.ts';
import type { ExtensionHost } from './extensions/extension-host.ts';
import { JournalHealth } from './journal-health.ts';
import type { JournalCondition } from './journal-health.ts';
import { recoverEntries, recoverUnfinished } from './recovery.ts';
import type { RecoveryReport } from './recovery.ts';
import { RestartRequests } from './restart-requests.ts';

const DAY = 86_400_000;
const PRUNE_EVERY = 3_600_000;

/** The parts of an engine that its start, drain and close set going and stop, in their order. */
export interface EngineRunParts extends EngineQueriesDeps {
  systemRegistry: XsdRegistry;
  extensions: ExtensionHost;
  configuration: EngineConfiguration;
  queries: EngineQueries;
  /** Several engines on one journal: what this one does among them. */
  peers: AmongPeers | undefined;
}

export interface EngineStatus {
  organism: string;
  state: EngineState;
  uptimeMs: number;
  listeners: number;
  queued: number;
  inFlight: number;
  openThreads: number;
  durability: JournalStats['durability'];
  /** Whether a supervisor (`organism start`) will start a fresh engine after a restart. */
  supervised: boolean;
}

/**
 * One run of the engine, walking `starting → running → draining → stopped`: the start (recovery, the
 * boot message, retention), whether intake is taken (the state, the journal's health), the drain and the
 * close, restart requests and the engine's place among others sharing its journal.
 */
export class EngineRun {
  private readonly lifecycle: EngineLifecycle;
  private readonly health: JournalHealth;
  private readonly unwatchJournal: () => void;
  private readonly restarts: RestartRequests;
  private pruneTimer: NodeJS.Timeout | undefined;
  /** What the start recovered of an earlier run's unfinished work. */
  recovery: RecoveryReport | undefined;
  /** Whether the start finished: only then are its counts worth handing on. */
  private ran = false;

  constructor(private readonly parts: EngineRunParts) {
    const { journal, pump, log } = parts;
    // Up since its journal began counting the seconds it lives through: the boot between the two is the
    // engine's, and a second counted before the engine's start would read on the chart as a restart.
    this.lifecycle = new EngineLifecycle(journal.openedAt);
    this.health = new JournalHealth({
      probe: () => journal.probe(),
      unrecorded: () => pump.unrecorded,
      emit: (e) => pump.events.emit(() => e),
      log,
    });
    // Another engine's commit says nothing of whether this one can write.
    this.unwatchJournal = journal.watchWrites((err, peer) => {
      if (!peer) this.health.written(err);
    });
    // While the journal is down every failed hook is that outage, already reported once.
    pump.onHookFailure((hook, err) => {
      if (this.health.available) log.error({ err, hook }, `dispatch hook ${hook} failed`);
    });
    this.restarts = new RestartRequests(() => this.lifecycle.state, parts.peers);
  }

  get state(): EngineState {
    return this.lifecycle.state;
  }

  status(): EngineStatus {
    const { pump, journal } = this.parts;
    return {
      organism: this.parts.organism().config.name,
      state: this.lifecycle.state,
      uptimeMs: Date.now() - this.lifecycle.startedAt,
      listeners: pump.listeners.size,
      durability: journal.durability,
      supervised: this.restarts.supervised,
      ...pump.stats(),
    };
  }

  /** Whether the journal can write; while it cannot, intake is refused with JOURNAL_UNAVAILABLE. */
  journalCondition(): JournalCondition {
    return this.health.condition;
  }

  /** Why a producer's message is refused now (the engine not running, the journal unable to write), if it is. */
  intakeRefusal(): SubmitResult | undefined {
    if (this.lifecycle.state !== 'running') {
      const code = this.lifecycle.state === 'draining' ? 'DRAINING' : 'NOT_RUNNING';
      const message = `the engine is ${this.lifecycle.state}`;
      return { ok: false, error: { code, message, problems: [{ message }] } };
    }
    const journal = this.health.condition;
    if (!journal.available) {
      const message = `the journal cannot write (${journal.reason}); try again later`;
      return { ok: false, error: { code: 'JOURNAL_UNAVAILABLE', message, problems: [{ message }] } };
    }
    return undefined;
  }

  /** Re-queues what an earlier run left unfinished, sends the boot message, then opens intake. */
  async start(): Promise<void> {
    const { journal, pump, extensions, orchestrator, log } = this.parts;
    // Before anything is counted: a restart's last five minutes run on (the map's routes, the chart).
    await this.takeCounts();
    // Before anything runs: an engine joining others runs their configuration, not its file's.
    await this.parts.peers?.start();
    // First, so that they hear of recovery too.
    const config = this.parts.organism().config;
    await extensions.load(config.baseDir, config.extensions);
    // Before recovery: work left for a paused listener is queued behind its pause, not run.
    await this.parts.pauses.restore();
    // Before recovery too: the answers recovery hands back find the runs waiting for them.
    await orchestrator?.start();
    this.recovery = await recoverUnfinished(journal, pump);
    // Several engines on one journal: what this one adopts from an engine that died is recovered alike.
    journal.onAdoption?.(async (entries, runs, claimed) => {
      await orchestrator?.adopt(runs);
      const adopted = await recoverEntries(journal, pump, entries);
      // Claims are the everyday hand-over: of a dead engine's entries, and between engines that run
      // different listeners (the journal says when an engine died).
      if (claimed || entries.length + runs.length === 0) return;
      log.warn(
        { requeued: adopted.requeued, exhausted: adopted.exhausted, runs: runs.length },
        `adopted the work of an engine that died: ${adopted.requeued} redelivered, ${adopted.exhausted} dead-lettered, ${runs.length} orchestration run(s)`,
      );
    });
    await this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY);
    this.pruneTimer.unref();
    await pump.boot();
    this.lifecycle.moveTo('running');
    this.ran = true;
  }

  /**
   * Refuses new intake and lets open threads finish for up to `drainMs`, emitting `drain` progress
   * events every half second. Says whether everything finished in time.
   */
  async drain(drainMs: number): Promise<{ drained: boolean }> {
    if (this.lifecycle.state === 'stopped') return { drained: true };
    if (this.lifecycle.state !== 'draining') this.lifecycle.moveTo('draining');
    this.parts.pump.pauseIntake();
    clearInterval(this.pruneTimer);
    const drained = await drainPump(this.parts.pump, drainMs);
    // The drain's last figures reach the console's streams before a stop cuts them (500 ms at most).
    await this.parts.queries.settle(500);
    return { drained };
  }

  /**
   * Stops the pump, checkpoints and closes the journal, frees the compiled schemas. Every step runs even
   * when one fails; the failures are then thrown together as an AggregateError.
   */
  async close(): Promise<void> {
    if (this.lifecycle.state === 'stopped') return;
    const { pump, journal, queries, extensions, configuration } = this.parts;
    pump.stop();
    this.lifecycle.moveTo('stopped');
    this.parts.orchestrator?.stop();
    queries.closeStreams();
    this.health.stop();
    this.unwatchJournal();
    this.parts.peers?.close();
    const failures = await runCleanup([
      { name: 'counts handover', run: () => this.handCountsOn() },
      { name: 'extensions', run: () => extensions.stop() },
      { name: 'config manager', run: () => configuration.close() },
      { name: 'journal', run: () => journal.close() },
      { name: 'searches', run: () => queries.closeSearches() },
      { name: 'organism schemas', run: () => this.parts.organism().registry.dispose() },
      { name: 'system schemas', run: () => this.parts.systemRegistry.dispose() },
    ]);
    if (failures.length > 0)
      throw new AggregateError(
        failures.map((f) => f.error),
        `engine close: ${failures.map((f) => f.step).join(', ')} failed`,
      );
  }

  /** Takes on what the engine before this one counted, when it stopped moments ago (a restart). */
  private async takeCounts(): Promise<void> {
    const file = this.parts.journal.countsFile;
    const before = file && (await takeHandover(file, this.parts.log));
    if (!before) return;
    this.parts.queries.restoreRoutes(before.routes);
    if (before.rates) this.parts.journal.restoreCounted?.(before.rates);
    if (before.listeners) this.parts.queries.restoreListeners(before.listeners);
  }

  /** Leaves what this engine counted for the next one, beside the journal (before it closes). */
  private async handCountsOn(): Promise<void> {
    const file = this.parts.journal.countsFile;
    if (!file || !this.ran) return;
    await handOver(file, {
      stoppedAt: Date.now(),
      routes: this.parts.queries.countedRoutes(),
      rates: this.parts.journal.counted?.(),
      listeners: this.parts.queries.countedListeners(),
    });
  }

  /** Throws NOT_SUPERVISED when nothing would start the next engine; not accepted unless running. */
  requestRestart(drainMs: number): Promise<{ accepted: boolean; engines: number }> {
    return this.restarts.request(drainMs);
  }

  /** Registers what a restart does and how to tell whether a supervisor is there (asked each time). */
  onRestartRequested(fn: (drainMs: number) => void, supervised: () => boolean): void {
    this.restarts.register(fn, supervised);
  }

  /** `fn` hears once that another engine adopted this one's work (it was found dead). */
  onFenced(fn: (reason: string) => void): void {
    this.parts.journal.onFenced?.(fn);
  }

  /** The engines sharing this journal, running first; undefined when the journal is this engine's alone. */
  engines(): Promise<{ engines: EngineSummary[]; config: SharedConfigSummary | null } | undefined> {
    return this.parts.peers?.engines() ?? Promise.resolve(undefined);
  }

  /** Records where this engine serves and whether a supervisor restarts it (engines sharing a journal). */
  async announce(address: string, supervised: boolean): Promise<void> {
    await this.parts.peers?.announce(address, supervised);
  }

  private async prune(): Promise<void> {
    const cutoff = Date.now() - this.parts.organism().config.journal.retainDays * DAY;
    try {
      await this.parts.journal.prune(cutoff);
      // The sequences and buffers that ended go with the messages they ran on.
      await this.parts.orchestrator?.prune(cutoff);
    } catch (err) {
      this.parts.log.error({ err }, 'journal retention failed');
    }
  }
}
