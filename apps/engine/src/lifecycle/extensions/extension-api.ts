import type { EngineEvent } from '@organism/shared';

/**
 * The engine's event families. Every engine event belongs to one: `message.failed` is event `failed` of
 * tract `message`; the organism's own events (`reload`, `drain`, `diagnostic`) are tract `organism`.
 * `dispatch` is the journal's protocol (intent → dispatched → acknowledged / failed → thread-complete),
 * heard only by handlers that name it: a `*` tract does not include it.
 */
export const TRACTS = ['message', 'thread', 'listener', 'journal', 'organism', 'dispatch'] as const;
export type Tract = (typeof TRACTS)[number];

/** A delivery as dispatch events carry it: one message to one listener. */
export interface DeliveryRecord {
  id: string;
  threadId: string;
  from: string;
  to: string;
  root: string;
  kind: string;
  attempt: number;
  payloadXml: string;
}

/** The dispatch protocol, as the journal records it, for extensions that name the `dispatch` tract. */
export type DispatchEvent =
  | { type: 'dispatch.intent'; at: number; delivery: DeliveryRecord }
  | { type: 'dispatch.dispatched'; at: number; delivery: DeliveryRecord }
  | { type: 'dispatch.acknowledged'; at: number; delivery: DeliveryRecord; outputs: DeliveryRecord[] }
  | {
      type: 'dispatch.failed';
      at: number;
      delivery: DeliveryRecord;
      code: string;
      message: string;
      /** A retry is scheduled (the delivery returns to PENDING). */
      willRetry: boolean;
    }
  | { type: 'dispatch.thread-complete'; at: number; threadId: string; outcome: 'completed' | 'failed' };

/** Whatever an extension's handler can hear. */
export type ExtensionEvent = EngineEvent | DispatchEvent;

/** An event's tract and name: `message.failed` → message, failed; `reload` → organism, reload. */
export function tractOf(type: ExtensionEvent['type']): { tract: Tract; event: string } {
  const dot = type.indexOf('.');
  if (dot < 0) return { tract: 'organism', event: type };
  return { tract: type.slice(0, dot) as Tract, event: type.slice(dot + 1) };
}

type EventType = EngineEvent['type'];
/** The organism's own events: those whose type has no tract (`reload`, `drain`, `diagnostic`). */
type OrganismType = Exclude<EventType, `${string}.${string}`>;

/** The engine events a (tract, event) pair matches, so a handler's `ctx.event` has the right fields. */
export type EventFor<T extends Tract | '*', E extends string> = T extends '*'
  ? E extends '*'
    ? EngineEvent
    : Extract<EngineEvent, { type: `${string}.${E}` | E }>
  : T extends 'dispatch'
    ? Extract<DispatchEvent, { type: E extends '*' ? `dispatch.${string}` : `dispatch.${E}` }>
    : T extends 'organism'
      ? Extract<EngineEvent, { type: E extends '*' ? OrganismType : E }>
      : Extract<EngineEvent, { type: E extends '*' ? `${T}.${string}` : `${T}.${E}` }>;

/** What an extension's handler receives. */
export interface ExtensionContext<E extends ExtensionEvent = ExtensionEvent> {
  /** The engine event, as the console's stream carries it. */
  readonly event: E;
  readonly tract: Tract;
  /** The event's name within its tract (`failed` for `message.failed`). */
  readonly name: string;
  /** The extension's name: its module's file name without extension. */
  readonly extension: string;
  /** 1 on the first run; higher when a retry runs it again. */
  readonly attempt: number;
  /** Aborted when the handler's timeout passes or the engine stops. */
  readonly signal: AbortSignal;
  /**
   * For a durable extension: the event log's sequence number the event comes from. An event may be
   * heard more than once (at-least-once), always with the same `seq`: a handler can use it to skip
   * what it has done.
   */
  readonly seq?: number;
}

export type ExtensionHandler<E extends ExtensionEvent = ExtensionEvent> = (
  ctx: ExtensionContext<E>,
) => unknown;

export interface HandlerOptions<E extends ExtensionEvent = ExtensionEvent> {
  /** Runs the handler only for events this returns true for (a throw drops the event, and is counted). */
  filter?: (event: E) => boolean;
  /** A run still going after this many ms fails with a timeout and its signal aborts. Default 30,000. */
  timeoutMs?: number;
  /** Runs in all, the first included (default 1: no retry), with doubling delays. */
  retry?: { maxAttempts?: number; initialDelayMs?: number; maxDelayMs?: number };
}

/** What `register` receives: where handlers are declared. */
export interface ExtensionApi {
  /**
   * Runs `handler` for each engine event of `tract` named `event`; either may be `*`. An event reaches
   * the handlers of (tract, event), then (tract, *), then (*, event), then (*, *).
   */
  onEvent<T extends Tract | '*', E extends string>(
    tract: T,
    event: E,
    handler: ExtensionHandler<EventFor<T, E>>,
    options?: HandlerOptions<EventFor<T, E>>,
  ): void;
  /** Registers every handler a router declares (a feature module keeps its handlers together). */
  include(router: ExtensionRouter): void;
}

/** A group of handlers declared apart from any extension, included by one or more. */
export interface ExtensionRouter {
  readonly routes: readonly Route[];
}

export interface Route {
  tract: Tract | '*';
  event: string;
  handler: ExtensionHandler;
  options: HandlerOptions;
}

/** How an extension runs. */
export interface ExtensionOptions {
  /**
   * Reads the journal's event log with a cursor of its own instead of hearing events as they happen:
   * after a crash or a restart it resumes where it stopped (at-least-once), an event a handler fails
   * on is retried with backoff (by default 5 attempts, from 1 s doubling to 1 min) and then kept as
   * one of the extension's dead letters. Its handlers may name only the `dispatch` tract.
   */
  durable?: boolean;
}

/** The default export of an extension module: `export default defineExtension((ext) => { ... })`. */
export interface Extension {
  readonly register: (ext: ExtensionApi) => void;
  readonly options?: ExtensionOptions;
}

export function defineExtension(
  register: (ext: ExtensionApi) => void,
  options: ExtensionOptions = {},
): Extension {
  return { register, options };
}

/** Declares a group of handlers: `router((r) => { r.onEvent('thread', 'failed', notify) })`. */
export function router(declare: (r: Pick<ExtensionApi, 'onEvent'>) => void): ExtensionRouter {
  const routes: Route[] = [];
  declare({
    onEvent: (tract, event, handler, options = {}) => routes.push(routeOf(tract, event, handler, options)),
  });
  return { routes };
}

/** A registration with its handler and filter widened to any event (the host offers only matching ones). */
export function routeOf<E extends ExtensionEvent>(
  tract: Tract | '*',
  event: string,
  handler: ExtensionHandler<E>,
  options: HandlerOptions<E>,
): Route {
  return { tract, event, handler: handler as ExtensionHandler, options: options as HandlerOptions };
}
