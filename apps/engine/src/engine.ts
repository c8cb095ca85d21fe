import type { EngineSummary, SharedConfigSummary, ThreadId, ThroughputHistory } from '@organism/shared';
import type {
  DeadLettersInput,
  DeadLettersResult,
  DiscardManyOutcome,
  EngineEvent,
  EngineEventType,
  FindResult,
  JournalStats,
  MessageDetail,
  MessageProvenance,
  MessageFilter,
  MessageListInput,
  MessageSummary,
  Page,
  PayloadCheck,
  RetryManyOutcome,
  RoutesResult,
  ThreadListInput,
  ThreadSummary,
  RoutedTransition,
} from '@organism/shared';
import type { LoadedOrganism } from './lifecycle/organism-loader.ts';
import { runCleanup } from './lifecycle/cleanup-steps.ts';
import { EngineLifecycle } from './lifecycle/engine-state.ts';
import { drainPump } from './lifecycle/drain-pump.ts';
import type { EngineState } from './lifecycle/engine-state.ts';
import { recoverEntries, recoverUnfinished } from './lifecycle/recovery.ts';
import type { RecoveryReport } from './lifecycle/recovery.ts';
import type { Journal } from './journal/journal.ts';
import { openExtensionStore, openOperationsStore, openOperatorStore } from './journal/index.ts';
import type { PausedListener } from './journal/operations/operations-store.ts';
import { ListenerPauses } from './lifecycle/listener-pauses.ts';
import type { OperatorStore } from './journal/index.ts';
import type { MessagePump, SubmitOptions, SubmitResult } from './pump/message-pump.ts';
import type { XsdRegistry } from './xml/index.ts';
import { ListenerActivity } from './lifecycle/listener-activity.ts';
import { RouteTracker } from './lifecycle/route-tracker.ts';
import { checkPayload } from './pump/check-payload.ts';
import { EventHub } from './lifecycle/event-hub.ts';
import type { StreamOut } from './lifecycle/event-hub.ts';
import type { StreamRequest } from './lifecycle/stream-cursor.ts';
import { JournalHealth } from './lifecycle/journal-health.ts';
import type { JournalCondition } from './lifecycle/journal-health.ts';
import type { ListenerInfo } from './lifecycle/listener-info.ts';
import type { ReloadResult } from './lifecycle/config-manager.ts';
import { EngineConfiguration } from './lifecycle/engine-configuration.ts';
import { contractElements, contractExample, contractFiles } from './lifecycle/listener-contract.ts';
import type { ContractRefusal } from './lifecycle/listener-contract.ts';
import type { ElementNode, Log } from '@organism/shared';
import { stderrLog } from './pump/stderr-log.ts';
import { MessageSearches } from './lifecycle/message-search.ts';
import type { SearchAsker } from './lifecycle/message-search.ts';
import type { Orchestrator, RunProgress } from './lifecycle/orchestration/orchestrator.ts';
import { ExtensionHost } from './lifecycle/extensions/extension-host.ts';
import { AmongPeers } from './lifecycle/among-peers.ts';
import { LiveListeners } from './lifecycle/live-listeners.ts';
import { MessageActions } from './lifecycle/message-actions.ts';
import { RestartRequests } from './lifecycle/restart-requests.ts';
import type {
  MessageExportInput,
  MessageExportPage,
  MessageSearchInput,
  MessageSearchResult,
} from '@organism/shared';

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

const DAY = 86_400_000;
const FIND_LIMIT = 5;
const PRUNE_EVERY = 3_600_000;

/**
 * The one facade the outside (CLI, server, API) talks to. It owns the pump, the journal and the
 * organism's compiled contracts, and walks the lifecycle `starting → running → draining → stopped`.
 */
export class Engine {
  private readonly lifecycle = new EngineLifecycle();
  private readonly searches: MessageSearches;
  private pruneTimer: NodeJS.Timeout | undefined;
  private readonly routeTracker: RouteTracker;
  private readonly live: LiveListeners;
  private readonly actions: MessageActions;
  private readonly hub: EventHub;
  private readonly health: JournalHealth;
  private readonly unwatchJournal: () => void;
  private readonly restarts: RestartRequests;
  /** organism.yaml as operators read and edit it (`config.*`): reloads swap listeners in place. */
  readonly configuration: EngineConfiguration;
  private readonly pauses: ListenerPauses;
  /** The organism's extensions, off the pump's path: their handlers' counts, a durable one's failures (`extensions.*`). */
  readonly extensions: ExtensionHost;
  recovery: RecoveryReport | undefined;
  /** Several engines on one journal: what this one does among them. */
  private readonly peers: AmongPeers | undefined;

  constructor(
    private organism: LoadedOrganism,
    private readonly pump: MessagePump,
    private readonly journal: Journal,
    private readonly systemRegistry: XsdRegistry,
    /** Where the engine's own lines go (journal outages, retention, hook failures). */
    private readonly log: Log = stderrLog('engine'),
    /** system.sequence and system.buffer, whose runs continue across a restart. */
    private readonly orchestrator?: Orchestrator,
  ) {
    this.extensions = new ExtensionHost(pump.events, log, (hooks) => pump.addHooks(hooks), {
      journal,
      store: openExtensionStore(journal),
    });
    // Paused listeners and republish links, kept beside the journal.
    const operations = openOperationsStore(journal);
    this.pauses = new ListenerPauses(pump, operations);
    this.routeTracker = new RouteTracker(pump.events);
    this.searches = new MessageSearches(journal);
    this.live = new LiveListeners({
      pump,
      journal,
      activity: new ListenerActivity(pump.events),
      routeTracker: this.routeTracker,
      pauses: this.pauses,
      config: () => this.config,
    });
    this.actions = new MessageActions({
      journal,
      pump,
      operations,
      submit: (xml, opts) => this.submit(xml, opts),
      maxMessageBytes: () => this.config.pump.maxMessageBytes,
    });
    this.hub = new EventHub({
      journal,
      events: pump.events,
      activity: () => this.live.activity(),
      log,
    });
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
    this.configuration = new EngineConfiguration({
      current: () => this.organism.config,
      swap: (next) => {
        const previous = this.organism;
        this.pump.replaceListeners(next.listeners);
        // What only a restart changes stays as it started.
        const { pump, journal, server } = previous.config;
        this.organism = { ...next, config: { ...next.config, pump, journal, server } };
        return previous;
      },
      journal,
      events: pump.events,
      changed: () => this.extensions.load(this.config.baseDir, this.config.extensions),
    });
    this.peers = journal.peers && new AmongPeers(journal.peers, this.configuration, this.pauses, log);
    this.restarts = new RestartRequests(() => this.lifecycle.state, this.peers);
    // What the console shows counts every engine: each shares its routes and listeners with the others.
    journal.peers?.shareActivity('routes', () => this.routeTracker.shared());
    journal.peers?.shareActivity('listeners', () => this.live.own());
  }

  /** Reloads organism.yaml from disk, all or nothing; `system.*` listeners are never touched. */
  reload(actor: string): Promise<ReloadResult> {
    return this.configuration.reload(actor);
  }

  /** The sequences and buffers started in a thread, with their progress. */
  orchestrationsOf(threadId: string): Promise<RunProgress[]> {
    return this.orchestrator?.ofThread(threadId) ?? Promise.resolve([]);
  }

  // The journal's console queries, as the API and the CLI see them.
  get durability(): JournalStats['durability'] {
    return this.journal.durability;
  }
  journalStats(): Promise<JournalStats> {
    return this.journal.stats();
  }
  throughput(): Promise<ThroughputHistory> {
    return this.journal.throughput();
  }
  listMessages(input: MessageListInput): Promise<Page<MessageSummary>> {
    return this.journal.listMessages(input);
  }
  getMessage(id: string): Promise<MessageDetail | undefined> {
    return this.journal.getMessage(id);
  }
  /** Payload search: text (indexed) and XPath, in turns per user (lifecycle/message-search.ts). */
  searchMessages(input: MessageSearchInput, asked?: SearchAsker): Promise<MessageSearchResult> {
    return this.searches.search(input, asked);
  }
  /** One page of a filtered list or a search, with envelopes, for the console's export. */
  exportMessages(input: MessageExportInput, asked?: SearchAsker): Promise<MessageExportPage> {
    return this.searches.exportPage(input, asked);
  }
  listThreads(input: ThreadListInput): Promise<Page<ThreadSummary>> {
    return this.journal.listThreads(input);
  }
  /** Transitions after `afterSeq`, in order, each with its entry's route (from, to, root, kind). */
  routedTransitions(afterSeq: number, limit: number): Promise<RoutedTransition[]> {
    return this.journal.routedTransitions(afterSeq, limit);
  }
  /** Dead letters grouped by listener and error code, biggest groups first. */
  deadLetters(input: DeadLettersInput): Promise<DeadLettersResult> {
    return this.journal.deadLetters(input);
  }
  /** Messages and threads by id or id prefix, listeners by part of their name (any case): 5 of each at most. */
  async find(q: string): Promise<FindResult> {
    const found = await this.journal.find(q, FIND_LIMIT);
    const needle = q.toLowerCase();
    const listeners = [...this.pump.listeners.listeners()]
      .map((l) => l.name)
      .filter((name) => name.toLowerCase().includes(needle))
      .sort((a, b) => a.length - b.length || a.localeCompare(b))
      .slice(0, FIND_LIMIT);
    return { ...found, listeners };
  }
  /**
   * The console's event stream for one subscriber: journal transitions with their routes, engine events
   * and activity, resumable from any item's id. Every subscriber shares one journal reader (EventHub).
   */
  stream(req: StreamRequest, signal?: AbortSignal): AsyncGenerator<StreamOut> {
    return this.hub.stream(req, signal);
  }

  /**
   * The routes messages took in the last `windowSeconds`, kept in memory since the engine started, with
   * what the other running engines sharing the journal counted added in.
   */
  routes(windowSeconds: number): RoutesResult {
    return this.live.routes(windowSeconds);
  }
  /** Users, sessions, API tokens and the audit log, kept in the same journal. */
  openOperatorStore(): OperatorStore {
    return openOperatorStore(this.journal);
  }

  /** An example payload for a listener, generated from its XSD (the given root, or its request root). */
  exampleFor(
    name: string,
    root?: string,
  ): { ok: true; root: string; xml: string } | ContractRefusal | undefined {
    const l = this.pump.listeners.get(name);
    return l && contractExample(l, this.config.baseDir, root);
  }

  /**
   * The element tree of a listener's contract: of `root` (Clark name), or of every root it accepts.
   * Undefined when there is no such listener.
   */
  elementsOf(name: string, root?: string): { ok: true; roots: ElementNode[] } | ContractRefusal | undefined {
    const l = this.pump.listeners.get(name);
    return l && contractElements(l, this.config.baseDir, root);
  }

  get state(): EngineState {
    return this.lifecycle.state;
  }

  get config(): LoadedOrganism['config'] {
    return this.organism.config;
  }

  /** Re-queues what an earlier run left unfinished, sends the boot message, then opens intake. */
  async start(): Promise<void> {
    // Before anything runs: an engine joining others runs their configuration, not its file's.
    await this.peers?.start();
    // First, so that they hear of recovery too.
    await this.extensions.load(this.config.baseDir, this.config.extensions);
    // Before recovery: work left for a paused listener is queued behind its pause, not run.
    await this.pauses.restore();
    // Before recovery too: the answers recovery hands back find the runs waiting for them.
    await this.orchestrator?.start();
    this.recovery = await recoverUnfinished(this.journal, this.pump);
    // Several engines on one journal: what this one adopts from an engine that died is recovered alike.
    this.journal.onAdoption?.(async (entries, runs, claimed) => {
      await this.orchestrator?.adopt(runs);
      const adopted = await recoverEntries(this.journal, this.pump, entries);
      // Claims are the everyday hand-over: of a dead engine's entries, and between engines that run
      // different listeners (the journal says when an engine died).
      if (claimed || entries.length + runs.length === 0) return;
      this.log.warn(
        { requeued: adopted.requeued, exhausted: adopted.exhausted, runs: runs.length },
        `adopted the work of an engine that died: ${adopted.requeued} redelivered, ${adopted.exhausted} dead-lettered, ${runs.length} orchestration run(s)`,
      );
    });
    await this.prune();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_EVERY);
    this.pruneTimer.unref();
    await this.pump.boot();
    this.lifecycle.moveTo('running');
  }

  /** Takes an envelope from a producer; see MessagePump.submit. Refused unless running. */
  async submit(xml: string | Uint8Array, opts?: SubmitOptions): Promise<SubmitResult> {
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
    return this.pump.submit(xml, opts);
  }

  /** Whether the journal can write; while it cannot, intake is refused with JOURNAL_UNAVAILABLE. */
  journalCondition(): JournalCondition {
    return this.health.condition;
  }

  /** Every listener, system ones included, with its contract, limits and activity. */
  listeners(): ListenerInfo[] {
    return this.live.listeners();
  }

  /** Holds a listener's deliveries back (PENDING) until it is resumed; the pause outlives a restart. */
  async pauseListener(name: string, actor: string): Promise<PausedListener> {
    const p = await this.pauses.pause(name, actor);
    await this.peers?.pausesChanged();
    return p;
  }
  /** Dispatches a paused listener's waiting deliveries, oldest first; says how many were waiting. */
  async resumeListener(name: string): Promise<{ waiting: number }> {
    const r = await this.pauses.resume(name);
    await this.peers?.pausesChanged();
    return r;
  }

  /** The XSD files behind a listener's contract, main file first, paths relative to the organism. */
  async schemaOf(name: string): Promise<{ file: string; text: string }[] | undefined> {
    const l = this.pump.listeners.get(name);
    return l && contractFiles(l, this.config.baseDir);
  }

  /** Checks a payload against `to`'s contract without sending it; undefined when there is no such listener. */
  checkPayload(to: string, payloadXml: string): PayloadCheck | undefined {
    const l = this.pump.listeners.get(to);
    return l && checkPayload(l, payloadXml, this.config.pump.maxMessageBytes);
  }

  // What operators do to messages (lifecycle/message-actions.ts).
  /** Sends a payload from the console, as `from`, perhaps as a republish of another message. */
  inject(input: Parameters<MessageActions['inject']>[0]): Promise<SubmitResult> {
    return this.actions.inject(input);
  }
  /** Where a message was republished from, and what it was republished as (console sends only). */
  provenance(id: string): Promise<MessageProvenance> {
    return this.actions.provenance(id);
  }
  /** Puts a dead letter back in the queue. */
  retry(messageId: string): Promise<void> {
    return this.actions.retry(messageId);
  }
  /** Retries every dead letter matching `filter`; a dry run only counts them and shows a sample. */
  retryMany(filter: MessageFilter, opts: { dryRun: boolean }): Promise<RetryManyOutcome> {
    return this.actions.retryMany(filter, opts);
  }

  /**
   * Stops a thread: queued and retry-waiting work fails as KILLED; running handlers' outputs are dropped.
   * How many deliveries it stopped, or undefined when there is no such thread (none open here, and none in
   * the journal).
   */
  async killThread(threadId: string, actor: string): Promise<number | undefined> {
    const id = threadId as ThreadId;
    const known =
      this.pump.hasOpenThread(id) ||
      (await this.journal.listMessages({ threadId, limit: 1 })).items.length > 0;
    return known ? this.pump.killThread(id, `killed by ${actor}`) : undefined;
  }

  discard(messageId: string): Promise<void> {
    return this.journal.discard(messageId);
  }
  /** Discards every dead letter matching `filter`, refused input too; a dry run only counts and samples. */
  discardMany(filter: MessageFilter, opts: { dryRun: boolean }): Promise<DiscardManyOutcome> {
    return this.journal.discardMany(filter, opts);
  }

  /** Subscribes to engine events. A subscriber may be async; one that throws or rejects is only logged. */
  on<T extends EngineEventType>(type: T, fn: (e: Extract<EngineEvent, { type: T }>) => unknown): () => void;
  on(type: '*', fn: (e: EngineEvent) => unknown): () => void;
  on(type: EngineEventType | '*', fn: (e: never) => unknown): () => void {
    return this.pump.events.on(type as '*', fn as (e: EngineEvent) => unknown);
  }

  status(): EngineStatus {
    return {
      organism: this.organism.config.name,
      state: this.lifecycle.state,
      uptimeMs: Date.now() - this.lifecycle.startedAt,
      listeners: this.pump.listeners.size,
      durability: this.journal.durability,
      supervised: this.restarts.supervised,
      ...this.pump.stats(),
    };
  }

  /** Resolves when every open thread has finished (tests, drain). */
  whenQuiet(): Promise<void> {
    return this.pump.whenQuiet();
  }

  /**
   * Asks the process to restart (drain, checkpoint, exit for the supervisor); see `onRestartRequested`.
   * Throws NOT_SUPERVISED when nothing would start the next engine; not accepted unless running.
   */
  requestRestart(drainMs: number): Promise<{ accepted: boolean; engines: number }> {
    return this.restarts.request(drainMs);
  }

  /**
   * Several engines on one journal: `fn` hears once that another engine adopted this one's work (it was
   * found dead: a lost session, a heartbeat older than the lease). Nothing it does is recorded any more.
   */
  onFenced(fn: (reason: string) => void): void {
    this.journal.onFenced?.(fn);
  }

  /**
   * The engines sharing this journal (PostgreSQL), running first; undefined when the journal is this
   * engine's alone (SQLite, memory).
   */
  engines(): Promise<{ engines: EngineSummary[]; config: SharedConfigSummary | null } | undefined> {
    return this.peers?.engines() ?? Promise.resolve(undefined);
  }

  /** Several engines on one journal: records where this engine serves and whether a supervisor restarts it. */
  async announce(address: string, supervised: boolean): Promise<void> {
    await this.peers?.announce(address, supervised);
  }

  /**
   * Registers what a restart request does (the CLI drains, closes and exits with the restart code) and
   * how to tell whether a supervisor is there to start the next engine (asked on every request).
   */
  onRestartRequested(fn: (drainMs: number) => void, supervised: () => boolean): void {
    this.restarts.register(fn, supervised);
  }

  /**
   * Refuses new intake and lets open threads finish for up to `drainMs`, emitting `drain` progress
   * events every half second. Says whether everything finished in time; what did not stays in the
   * journal and is recovered by the next start.
   */
  async drain(drainMs = 10_000): Promise<{ drained: boolean }> {
    if (this.lifecycle.state === 'stopped') return { drained: true };
    if (this.lifecycle.state !== 'draining') this.lifecycle.moveTo('draining');
    this.pump.pauseIntake();
    clearInterval(this.pruneTimer);
    const drained = await drainPump(this.pump, drainMs);
    // The drain's last figures reach the console's streams before a stop cuts them (500 ms at most).
    await this.hub.settle(500);
    return { drained };
  }

  /**
   * Stops the pump, checkpoints and closes the journal, frees the compiled schemas. Every step runs even
   * when one fails; the failures are then thrown together as an AggregateError.
   */
  async close(): Promise<void> {
    if (this.lifecycle.state === 'stopped') return;
    this.pump.stop();
    this.lifecycle.moveTo('stopped');
    this.orchestrator?.stop();
    this.hub.close();
    this.health.stop();
    this.unwatchJournal();
    this.peers?.close();
    const failures = await runCleanup([
      { name: 'extensions', run: () => this.extensions.stop() },
      { name: 'config manager', run: () => this.configuration.close() },
      { name: 'journal', run: () => this.journal.close() },
      { name: 'searches', run: () => this.searches.close() },
      { name: 'organism schemas', run: () => this.organism.registry.dispose() },
      { name: 'system schemas', run: () => this.systemRegistry.dispose() },
    ]);
    if (failures.length > 0)
      throw new AggregateError(
        failures.map((f) => f.error),
        `engine close: ${failures.map((f) => f.step).join(', ')} failed`,
      );
  }

  /** Graceful stop: drain for up to `drainMs`, then close. */
  async stop(drainMs = 10_000): Promise<{ drained: boolean }> {
    const result = await this.drain(drainMs);
    await this.close();
    return result;
  }

  private async prune(): Promise<void> {
    const cutoff = Date.now() - this.organism.config.journal.retainDays * DAY;
    try {
      await this.journal.prune(cutoff);
      // The sequences and buffers that ended go with the messages they ran on.
      await this.orchestrator?.prune(cutoff);
    } catch (err) {
      this.log.error({ err }, 'journal retention failed');
    }
  }
}
