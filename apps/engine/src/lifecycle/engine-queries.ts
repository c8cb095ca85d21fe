import type {
  DeadLettersInput,
  DeadLettersResult,
  ElementNode,
  FindResult,
  JournalStats,
  LatestFailuresInput,
  Log,
  MessageDetail,
  MessageExportInput,
  MessageExportPage,
  MessageListInput,
  MessageSearchInput,
  MessageSearchResult,
  MessageSummary,
  Page,
  PayloadCheck,
  RoutedTransition,
  RoutesResult,
  ThreadListInput,
  ThreadSummary,
  ThroughputHistory,
} from '@organism/shared';
import { latestFailuresInputSchema } from '@organism/shared';
import type { Journal } from '../journal/journal.ts';
import { checkPayload } from '../pump/check-payload.ts';
import type { MessagePump } from '../pump/message-pump.ts';
import { EventHub } from './event-hub.ts';
import type { StreamOut } from './event-hub.ts';
import { ListenerActivity } from './listener-activity.ts';
import type { CountedListener } from './listener-activity.ts';
import { contractElements, contractExample, contractFiles } from './listener-contract.ts';
import type { ContractRefusal } from './listener-contract.ts';
import type { ListenerInfo } from './listener-info.ts';
import type { ListenerPauses } from './listener-pauses.ts';
import { LiveListeners } from './live-listeners.ts';
import { MessageSearches } from './message-search.ts';
import type { SearchAsker } from './message-search.ts';
import type { LoadedOrganism } from './organism-loader.ts';
import type { Orchestrator, RunProgress } from './orchestration/orchestrator.ts';
import { RouteTracker } from './route-tracker.ts';
import type { SharedRoutes } from './route-tracker.ts';
import type { StreamRequest } from './stream-cursor.ts';

const FIND_LIMIT = 5;

export interface EngineQueriesDeps {
  journal: Journal;
  pump: MessagePump;
  pauses: ListenerPauses;
  /** The organism in force (a reload replaces it). */
  organism: () => LoadedOrganism;
  orchestrator: Orchestrator | undefined;
  log: Log;
}

/**
 * What operators and the console read of the engine (the Engine facade's queries): the journal's lists,
 * payload search and export, the event stream, the live routes and listeners, and listeners' contracts.
 * It changes nothing; the engine's lifecycle only settles and closes its streams and searches.
 */
export class EngineQueries {
  private readonly searches: MessageSearches;
  private readonly routeTracker: RouteTracker;
  private readonly live: LiveListeners;
  private readonly activity: ListenerActivity;
  private readonly hub: EventHub;

  constructor(private readonly deps: EngineQueriesDeps) {
    const { journal, pump, log } = deps;
    this.routeTracker = new RouteTracker(pump.events);
    this.searches = new MessageSearches(journal);
    this.activity = new ListenerActivity(pump.events);
    this.live = new LiveListeners({
      pump,
      journal,
      activity: this.activity,
      routeTracker: this.routeTracker,
      pauses: deps.pauses,
      config: () => deps.organism().config,
    });
    this.hub = new EventHub({
      journal,
      events: pump.events,
      activity: () => this.live.activity(),
      log,
    });
    // What the console shows counts every engine: each shares its routes and listeners with the others.
    journal.peers?.shareActivity('routes', () => this.routeTracker.shared());
    journal.peers?.shareActivity('listeners', () => this.live.own());
  }

  /** The sequences and buffers started in a thread, with their progress. */
  orchestrationsOf(threadId: string): Promise<RunProgress[]> {
    return this.deps.orchestrator?.ofThread(threadId) ?? Promise.resolve([]);
  }

  // The journal's console queries, as the API and the CLI see them.
  get durability(): JournalStats['durability'] {
    return this.deps.journal.durability;
  }
  journalStats(): Promise<JournalStats> {
    return this.deps.journal.stats();
  }
  throughput(): Promise<ThroughputHistory> {
    return this.deps.journal.throughput();
  }
  listMessages(input: MessageListInput): Promise<Page<MessageSummary>> {
    return this.deps.journal.listMessages(input);
  }
  getMessage(id: string): Promise<MessageDetail | undefined> {
    return this.deps.journal.getMessage(id);
  }
  /** Payload search: text (indexed) and XPath, in turns per user (message-search.ts). */
  searchMessages(input: MessageSearchInput, asked?: SearchAsker): Promise<MessageSearchResult> {
    return this.searches.search(input, asked);
  }
  /** One page of a filtered list or a search, with envelopes, for the console's export. */
  exportMessages(input: MessageExportInput, asked?: SearchAsker): Promise<MessageExportPage> {
    return this.searches.exportPage(input, asked);
  }
  listThreads(input: ThreadListInput): Promise<Page<ThreadSummary>> {
    return this.deps.journal.listThreads(input);
  }
  /** Transitions after `afterSeq`, in order, each with its entry's route (from, to, root, kind). */
  routedTransitions(afterSeq: number, limit: number): Promise<RoutedTransition[]> {
    return this.deps.journal.routedTransitions(afterSeq, limit);
  }
  /** Dead letters grouped by listener and error code, biggest groups first. */
  deadLetters(input: DeadLettersInput): Promise<DeadLettersResult> {
    return this.deps.journal.deadLetters(input);
  }
  /** The dead letters and refusals that failed last, newest failure first. */
  latestFailures(input: LatestFailuresInput): Promise<MessageSummary[]> {
    return this.deps.journal.latestFailures(latestFailuresInputSchema.parse(input).limit);
  }
  /** Messages and threads by id or id prefix, listeners by part of their name (any case): 5 of each at most. */
  async find(q: string): Promise<FindResult> {
    const found = await this.deps.journal.find(q, FIND_LIMIT);
    const needle = q.toLowerCase();
    const listeners = [...this.deps.pump.listeners.listeners()]
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

  /** Every listener, system ones included, with its contract, limits and activity. */
  listeners(): ListenerInfo[] {
    return this.live.listeners();
  }

  /** An example payload for a listener, generated from its XSD (the given root, or its request root). */
  exampleFor(
    name: string,
    root?: string,
  ): { ok: true; root: string; xml: string } | ContractRefusal | undefined {
    const l = this.deps.pump.listeners.get(name);
    return l && contractExample(l, this.deps.organism().config.baseDir, root);
  }

  /**
   * The element tree of a listener's contract: of `root` (Clark name), or of every root it accepts.
   * Undefined when there is no such listener.
   */
  elementsOf(name: string, root?: string): { ok: true; roots: ElementNode[] } | ContractRefusal | undefined {
    const l = this.deps.pump.listeners.get(name);
    return l && contractElements(l, this.deps.organism().config.baseDir, root);
  }

  /** The XSD files behind a listener's contract, main file first, paths relative to the organism. */
  async schemaOf(name: string): Promise<{ file: string; text: string }[] | undefined> {
    const l = this.deps.pump.listeners.get(name);
    return l && contractFiles(l, this.deps.organism().config.baseDir);
  }

  /** Checks a payload against `to`'s contract without sending it; undefined when there is no such listener. */
  checkPayload(to: string, payloadXml: string): PayloadCheck | undefined {
    const l = this.deps.pump.listeners.get(to);
    return l && checkPayload(l, payloadXml, this.deps.organism().config.pump.maxMessageBytes);
  }

  /** The routes counted so far, as the engine hands them to the next one on a restart. */
  countedRoutes(): SharedRoutes {
    return this.routeTracker.shared();
  }

  /** Takes on the routes the engine before this one counted (before any message is counted). */
  restoreRoutes(before: SharedRoutes): void {
    this.routeTracker.restore(before);
  }

  /** Each listener's counts so far (received, failed, the last failure), as handed to the next engine. */
  countedListeners(): Record<string, CountedListener> {
    return this.activity.counted();
  }

  /** Takes on the listeners' counts the engine before this one left (before any message is counted). */
  restoreListeners(before: Record<string, CountedListener>): void {
    this.activity.restore(before);
  }

  /** Resolves once every stream was handed the events so far, or after `ms` (a drain's last figures). */
  settle(ms: number): Promise<void> {
    return this.hub.settle(ms);
  }

  /** Ends every event stream (the engine is closing). */
  closeStreams(): void {
    this.hub.close();
  }

  /** Stops the payload searches' XPath workers (the engine is closing). */
  closeSearches(): Promise<void> {
    return this.searches.close();
  }
}
