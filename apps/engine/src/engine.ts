import type {
  DeadLettersInput,
  DeadLettersResult,
  DiscardManyOutcome,
  ElementNode,
  EngineEvent,
  EngineEventType,
  EngineSummary,
  FindResult,
  JournalStats,
  LatestFailuresInput,
  Log,
  MessageDetail,
  MessageExportInput,
  MessageExportPage,
  MessageFilter,
  MessageListInput,
  MessageProvenance,
  MessageSearchInput,
  MessageSearchResult,
  MessageSummary,
  Page,
  PayloadCheck,
  RetryManyOutcome,
  RoutedTransition,
  RoutesResult,
  SharedConfigSummary,
  ThreadListInput,
  ThreadSummary,
  ThroughputHistory,
} from '@organism/shared';
import type { LoadedOrganism } from './lifecycle/organism-loader.ts';
import type { EngineState } from './lifecycle/engine-state.ts';
import type { RecoveryReport } from './lifecycle/recovery.ts';
import type { Journal } from './journal/journal.ts';
import { openExtensionStore, openOperationsStore, openOperatorStore } from './journal/index.ts';
import type { OperatorStore } from './journal/index.ts';
import type { PausedListener } from './journal/operations/operations-store.ts';
import { ListenerPauses } from './lifecycle/listener-pauses.ts';
import type { MessagePump, SubmitOptions, SubmitResult } from './pump/message-pump.ts';
import type { XsdRegistry } from './xml/index.ts';
import type { StreamOut } from './lifecycle/event-hub.ts';
import type { StreamRequest } from './lifecycle/stream-cursor.ts';
import type { JournalCondition } from './lifecycle/journal-health.ts';
import type { ListenerInfo } from './lifecycle/listener-info.ts';
import type { ReloadResult } from './lifecycle/config-manager.ts';
import { EngineConfiguration } from './lifecycle/engine-configuration.ts';
import type { ContractRefusal } from './lifecycle/listener-contract.ts';
import { stderrLog } from './pump/stderr-log.ts';
import type { SearchAsker } from './lifecycle/message-search.ts';
import type { Orchestrator, RunProgress } from './lifecycle/orchestration/orchestrator.ts';
import { ExtensionHost } from './lifecycle/extensions/extension-host.ts';
import { AmongPeers } from './lifecycle/among-peers.ts';
import { MessageActions } from './lifecycle/message-actions.ts';
import type { OperatorBulk } from './lifecycle/message-actions.ts';
import { EngineQueries } from './lifecycle/engine-queries.ts';
import { EngineRun } from './lifecycle/engine-run.ts';
import type { EngineStatus } from './lifecycle/engine-run.ts';

export type { EngineStatus };

/**
 * The one facade the outside (CLI, server, API) talks to. It owns the pump, the journal and the
 * organism's compiled contracts, and walks the lifecycle `starting → running → draining → stopped`.
 * Its methods hand each call to the part that does it: what is read (lifecycle/engine-queries.ts), the
 * run from start to close (lifecycle/engine-run.ts), what operators do to messages (message-actions.ts).
 */
export class Engine {
  private readonly queries: EngineQueries;
  private readonly run: EngineRun;
  private readonly actions: MessageActions;
  /** organism.yaml as operators read and edit it (`config.*`): reloads swap listeners in place. */
  readonly configuration: EngineConfiguration;
  private readonly pauses: ListenerPauses;
  /** The organism's extensions, off the pump's path: their handlers' counts, a durable one's failures (`extensions.*`). */
  readonly extensions: ExtensionHost;
  /** Several engines on one journal: what this one does among them. */
  private readonly peers: AmongPeers | undefined;

  constructor(
    private organism: LoadedOrganism,
    private readonly pump: MessagePump,
    private readonly journal: Journal,
    systemRegistry: XsdRegistry,
    /** Where the engine's own lines go (journal outages, retention, hook failures). */
    log: Log = stderrLog('engine'),
    /** system.sequence and system.buffer, whose runs continue across a restart. */
    orchestrator?: Orchestrator,
  ) {
    this.extensions = new ExtensionHost(pump.events, log, (hooks) => pump.addHooks(hooks), {
      journal,
      store: openExtensionStore(journal),
    });
    // Paused listeners and republish links, kept beside the journal.
    const operations = openOperationsStore(journal);
    this.pauses = new ListenerPauses(pump, operations);
    const core = { journal, pump, pauses: this.pauses, organism: () => this.organism, orchestrator, log };
    this.queries = new EngineQueries(core);
    this.actions = new MessageActions({
      journal,
      pump,
      operations,
      submit: (xml, opts) => this.submit(xml, opts),
      maxMessageBytes: () => this.config.pump.maxMessageBytes,
    });
    this.configuration = new EngineConfiguration({
      current: () => this.organism.config,
      runningText: () => this.organism.text,
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
    const { extensions, configuration, queries, peers } = this;
    this.run = new EngineRun({ ...core, systemRegistry, extensions, configuration, queries, peers });
  }

  get state(): EngineState {
    return this.run.state;
  }
  get config(): LoadedOrganism['config'] {
    return this.organism.config;
  }
  /** What the start recovered of an earlier run's unfinished work. */
  get recovery(): RecoveryReport | undefined {
    return this.run.recovery;
  }
  /** Reloads organism.yaml from disk, all or nothing; `system.*` listeners are never touched. */
  reload(actor: string): Promise<ReloadResult> {
    return this.configuration.reload(actor);
  }
  /** Users, sessions, API tokens and the audit log, kept in the same journal. */
  openOperatorStore(): OperatorStore {
    return openOperatorStore(this.journal);
  }

  // What operators and the console read (lifecycle/engine-queries.ts).
  /** The sequences and buffers started in a thread, with their progress. */
  orchestrationsOf(threadId: string): Promise<RunProgress[]> {
    return this.queries.orchestrationsOf(threadId);
  }
  get durability(): JournalStats['durability'] {
    return this.queries.durability;
  }
  journalStats(): Promise<JournalStats> {
    return this.queries.journalStats();
  }
  throughput(): Promise<ThroughputHistory> {
    return this.queries.throughput();
  }
  listMessages(input: MessageListInput): Promise<Page<MessageSummary>> {
    return this.queries.listMessages(input);
  }
  getMessage(id: string): Promise<MessageDetail | undefined> {
    return this.queries.getMessage(id);
  }
  /** Payload search: text (indexed) and XPath, in turns per user (lifecycle/message-search.ts). */
  searchMessages(input: MessageSearchInput, asked?: SearchAsker): Promise<MessageSearchResult> {
    return this.queries.searchMessages(input, asked);
  }
  /** One page of a filtered list or a search, with envelopes, for the console's export. */
  exportMessages(input: MessageExportInput, asked?: SearchAsker): Promise<MessageExportPage> {
    return this.queries.exportMessages(input, asked);
  }
  listThreads(input: ThreadListInput): Promise<Page<ThreadSummary>> {
    return this.queries.listThreads(input);
  }
  /** Transitions after `afterSeq`, in order, each with its entry's route (from, to, root, kind). */
  routedTransitions(afterSeq: number, limit: number): Promise<RoutedTransition[]> {
    return this.queries.routedTransitions(afterSeq, limit);
  }
  /** Dead letters grouped by listener and error code, biggest groups first. */
  deadLetters(input: DeadLettersInput): Promise<DeadLettersResult> {
    return this.queries.deadLetters(input);
  }
  /** The dead letters and refusals that failed last, newest failure first (`journal.latestFailures`). */
  latestFailures(input: LatestFailuresInput): Promise<MessageSummary[]> {
    return this.queries.latestFailures(input);
  }
  /** Messages and threads by id or id prefix, listeners by part of their name (any case): 5 of each at most. */
  find(q: string): Promise<FindResult> {
    return this.queries.find(q);
  }
  /**
   * The console's event stream for one subscriber: journal transitions with their routes, engine events
   * and activity, resumable from any item's id. Every subscriber shares one journal reader (EventHub).
   */
  stream(req: StreamRequest, signal?: AbortSignal): AsyncGenerator<StreamOut> {
    return this.queries.stream(req, signal);
  }
  /**
   * The routes messages took in the last `windowSeconds`, kept in memory since the engine started, with
   * what the other running engines sharing the journal counted added in.
   */
  routes(windowSeconds: number): RoutesResult {
    return this.queries.routes(windowSeconds);
  }
  /** Every listener, system ones included, with its contract, limits and activity. */
  listeners(): ListenerInfo[] {
    return this.queries.listeners();
  }
  /** An example payload for a listener, generated from its XSD (the given root, or its request root). */
  exampleFor(
    name: string,
    root?: string,
  ): { ok: true; root: string; xml: string } | ContractRefusal | undefined {
    return this.queries.exampleFor(name, root);
  }
  /**
   * The element tree of a listener's contract: of `root` (Clark name), or of every root it accepts.
   * Undefined when there is no such listener.
   */
  elementsOf(name: string, root?: string): { ok: true; roots: ElementNode[] } | ContractRefusal | undefined {
    return this.queries.elementsOf(name, root);
  }
  /** The XSD files behind a listener's contract, main file first, paths relative to the organism. */
  schemaOf(name: string): Promise<{ file: string; text: string }[] | undefined> {
    return this.queries.schemaOf(name);
  }
  /** Checks a payload against `to`'s contract without sending it; undefined when there is no such listener. */
  checkPayload(to: string, payloadXml: string): PayloadCheck | undefined {
    return this.queries.checkPayload(to, payloadXml);
  }

  /** Takes an envelope from a producer; see MessagePump.submit. Refused unless running. */
  async submit(xml: string | Uint8Array, opts?: SubmitOptions): Promise<SubmitResult> {
    return this.run.intakeRefusal() ?? this.pump.submit(xml, opts);
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

  // What operators do to messages (lifecycle/message-actions.ts).
  /** Sends a payload from the console, as `from`, perhaps as a republish of another message. */
  inject(input: Parameters<MessageActions['inject']>[0]): Promise<SubmitResult> {
    return this.actions.inject(input);
  }
  /** Where a message was republished from, and what it was republished as (console sends only). */
  provenance(id: string): Promise<MessageProvenance> {
    return this.actions.provenance(id);
  }
  /** Puts a dead letter back in the queue; `by` (an operator's name) is said in its history. */
  retry(messageId: string, by?: string): Promise<void> {
    return this.actions.retry(messageId, by);
  }
  /**
   * Retries every dead letter matching `filter`; a dry run only counts them and shows a sample. `by` (an
   * operator's name) is said in each one's history.
   */
  retryMany(filter: MessageFilter, opts: OperatorBulk): Promise<RetryManyOutcome> {
    return this.actions.retryMany(filter, opts);
  }
  /**
   * Stops a thread: queued and retry-waiting work fails as KILLED; running handlers' outputs are dropped.
   * How many deliveries it stopped, or undefined when there is no such thread (none open here, and none in
   * the journal).
   */
  killThread(threadId: string, actor: string): Promise<number | undefined> {
    return this.actions.killThread(threadId, actor);
  }
  /** Removes a dead letter for good; `by` (an operator's name) is said in its history. */
  discard(messageId: string, by?: string): Promise<void> {
    return this.actions.discard(messageId, by);
  }
  /** Discards every dead letter matching `filter`, refused input too; a dry run only counts and samples. */
  discardMany(filter: MessageFilter, opts: OperatorBulk): Promise<DiscardManyOutcome> {
    return this.actions.discardMany(filter, opts);
  }

  /** Subscribes to engine events. A subscriber may be async; one that throws or rejects is only logged. */
  on<T extends EngineEventType>(type: T, fn: (e: Extract<EngineEvent, { type: T }>) => unknown): () => void;
  on(type: '*', fn: (e: EngineEvent) => unknown): () => void;
  on(type: EngineEventType | '*', fn: (e: never) => unknown): () => void {
    return this.pump.events.on(type as '*', fn as (e: EngineEvent) => unknown);
  }
  /** Resolves when every open thread has finished (tests, drain). */
  whenQuiet(): Promise<void> {
    return this.pump.whenQuiet();
  }

  // The run from start to close, and among other engines (lifecycle/engine-run.ts).
  /** Re-queues what an earlier run left unfinished, sends the boot message, then opens intake. */
  start(): Promise<void> {
    return this.run.start();
  }
  status(): EngineStatus {
    return this.run.status();
  }
  /** Whether the journal can write; while it cannot, intake is refused with JOURNAL_UNAVAILABLE. */
  journalCondition(): JournalCondition {
    return this.run.journalCondition();
  }
  /**
   * Asks the process to restart (drain, checkpoint, exit for the supervisor); see `onRestartRequested`.
   * Throws NOT_SUPERVISED when nothing would start the next engine; not accepted unless running.
   */
  requestRestart(drainMs: number): Promise<{ accepted: boolean; engines: number }> {
    return this.run.requestRestart(drainMs);
  }
  /**
   * Registers what a restart request does (the CLI drains, closes and exits with the restart code) and
   * how to tell whether a supervisor is there to start the next engine (asked on every request).
   */
  onRestartRequested(fn: (drainMs: number) => void, supervised: () => boolean): void {
    this.run.onRestartRequested(fn, supervised);
  }
  /**
   * Several engines on one journal: `fn` hears once that another engine adopted this one's work (it was
   * found dead: a lost session, a heartbeat older than the lease). Nothing it does is recorded any more.
   */
  onFenced(fn: (reason: string) => void): void {
    this.run.onFenced(fn);
  }
  /**
   * The engines sharing this journal (PostgreSQL), running first; undefined when the journal is this
   * engine's alone (SQLite, memory).
   */
  engines(): Promise<{ engines: EngineSummary[]; config: SharedConfigSummary | null } | undefined> {
    return this.run.engines();
  }
  /** Several engines on one journal: records where this engine serves and whether a supervisor restarts it. */
  announce(address: string, supervised: boolean): Promise<void> {
    return this.run.announce(address, supervised);
  }
  /**
   * Refuses new intake and lets open threads finish for up to `drainMs`, emitting `drain` progress
   * events every half second. Says whether everything finished in time; what did not stays in the
   * journal and is recovered by the next start.
   */
  drain(drainMs = 10_000): Promise<{ drained: boolean }> {
    return this.run.drain(drainMs);
  }
  /**
   * Stops the pump, checkpoints and closes the journal, frees the compiled schemas. Every step runs even
   * when one fails; the failures are then thrown together as an AggregateError.
   */
  close(): Promise<void> {
    return this.run.close();
  }
  /** Graceful stop: drain for up to `drainMs`, then close. */
  async stop(drainMs = 10_000): Promise<{ drained: boolean }> {
    const result = await this.drain(drainMs);
    await this.close();
    return result;
  }
}
