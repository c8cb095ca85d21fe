import { EngineError } from '@organism/shared';
import { readdirSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import type { Log } from '@organism/shared';
import { isInsideFolder } from '../../fs/is-inside-folder.ts';
import type { Delivery } from '../../pump/delivery.ts';
import type { DispatchHooks } from '../../pump/dispatch-hooks.ts';
import type { EngineEvents } from '../../pump/engine-events.ts';
import { versionedUrl } from '../import-handler.ts';
import { routeOf, TRACTS, tractOf } from './extension-api.ts';
import type {
  DeliveryRecord,
  DispatchEvent,
  Extension,
  ExtensionApi,
  ExtensionEvent,
  Route,
} from './extension-api.ts';
import { DurableExtension } from './durable-extension.ts';
import type { DurableState } from './durable-extension.ts';
import type { DurableFailure } from './durable-failures.ts';
import { HandlerRunner } from './handler-runner.ts';
import type { HandlerCounts } from './handler-runner.ts';
import type { ExtensionStore, FailurePlace } from '../../journal/extensions/extension-store.ts';
import type { Journal } from '../../journal/journal.ts';

/** The folder beside organism.yaml whose modules are extensions without being listed. */
export const EXTENSIONS_FOLDER = 'extensions';
const MODULE = /\.(ts|mts|js|mjs)$/;

/** An extension as operators see it (`extensions.list`). */
export interface ExtensionInfo {
  name: string;
  /** Its module, relative to the organism folder. */
  file: string;
  /** Why it is not running (it failed to load or to register); null when it runs. */
  error: string | null;
  handlers: HandlerCounts[];
  /** A durable extension's place in the event log and its failures; null for one that is not durable. */
  durable: DurableState | null;
}

/** What durable extensions read and write: the journal's event log, and their cursors and failures. */
export interface DurableDeps {
  journal: Pick<Journal, 'recordedTransitions' | 'headSeq' | 'watchWrites'>;
  store: ExtensionStore;
}

interface Loaded {
  name: string;
  file: string;
  error: string | null;
  durable?: DurableExtension;
  runners: HandlerRunner[];
  /** Runners by `tract \0 event`, `*` included. */
  byKey: Map<string, HandlerRunner[]>;
}

/**
 * Runs the organism's extensions: modules that register handlers for engine events (docs/extensions.md).
 * They are found at start and on every reload (the `extensions:` list of organism.yaml and the
 * `extensions/` folder), each imported fresh when its file changed. One that fails to load is reported
 * (log, a `diagnostic` event, `extensions.list`) and the rest run. With no handler registered the host
 * does not even subscribe to the engine's events.
 */
export class ExtensionHost {
  private loaded: Loaded[] = [];
  private unsubscribe: (() => void) | undefined;
  private removeHooks: (() => void) | undefined;

  constructor(
    private readonly events: EngineEvents,
    private readonly log: Log,
    /** Adds dispatch hooks to the pump (returns their removal); only while a handler names `dispatch`. */
    private readonly addHooks: (hooks: DispatchHooks) => () => void = () => () => undefined,
    private readonly durableDeps?: DurableDeps,
  ) {}

  /** Finds, imports and registers the extensions of the organism in `baseDir`; replaces those running. */
  async load(baseDir: string, listed: readonly string[]): Promise<void> {
    const next: Loaded[] = [];
    for (const file of moduleFiles(baseDir, listed)) next.push(await this.loadOne(baseDir, file, next));
    const previous = this.loaded;
    this.loaded = next;
    for (const l of previous) for (const r of l.runners) r.stop();
    // A durable extension's reader stops before its successor starts from the cursor it saved.
    await Promise.all(previous.flatMap((l) => (l.durable ? [l.durable.stop()] : [])));
    for (const l of next) {
      if (!l.durable) continue;
      try {
        await l.durable.start();
      } catch (err) {
        await l.durable.stop();
        l.durable = undefined;
        l.error = `its cursor could not be read: ${err instanceof Error ? err.message : String(err)}`;
        this.log.error({ err, extension: l.name }, `extension ${l.name} is not running: ${l.error}`);
      }
    }
    const routes = next.flatMap((l) => [...l.byKey.keys()]);
    const any = routes.some((k) => !k.startsWith('dispatch\0'));
    if (any && !this.unsubscribe) this.unsubscribe = this.events.on('*', (e) => this.dispatch(e));
    if (!any && this.unsubscribe) {
      this.unsubscribe();
      this.unsubscribe = undefined;
    }
    const hooks = routes.some((k) => k.startsWith('dispatch\0'));
    if (hooks && !this.removeHooks) this.removeHooks = this.addHooks(this.dispatchHooks());
    if (!hooks && this.removeHooks) {
      this.removeHooks();
      this.removeHooks = undefined;
    }
    for (const l of next)
      if (l.error)
        this.events.emit(() => ({
          type: 'diagnostic',
          at: Date.now(),
          code: 'EXTENSION_FAILED',
          message: `extension ${l.name} (${l.file}) is not running: ${l.error}`,
        }));
  }

  list(): Promise<ExtensionInfo[]> {
    return Promise.all(
      this.loaded.map(async (l) => ({
        name: l.name,
        file: l.file,
        error: l.error,
        handlers: l.durable ? l.durable.snapshot() : l.runners.map((r) => r.snapshot()),
        durable: l.durable ? await l.durable.state() : null,
      })),
    );
  }

  /** A running durable extension by name; throws the reason when there is none. */
  durable(name: string): DurableExtension {
    const l = this.loaded.find((x) => x.name === name);
    if (!l) throw new ExtensionNotFound(`no extension ${name} is loaded`);
    if (!l.durable)
      throw new ExtensionNotFound(
        l.error ? `extension ${name} is not running: ${l.error}` : `extension ${name} is not durable`,
      );
    return l.durable;
  }

  /** A durable extension's failures: its dead letters first, then those waiting for a retry; a page after `after`. */
  failures(name: string, limit: number, after?: FailurePlace | null): Promise<DurableFailure[]> {
    return this.durable(name).failuresList(limit, after);
  }

  /** Runs a durable extension's failure again now; throws NOT_FOUND when there is no such failure. */
  async retry(name: string, id: string): Promise<void> {
    if (!(await this.durable(name).retry(id)))
      throw new ExtensionNotFound(`extension ${name} has no failure ${id}`);
  }

  /** Runs every dead letter of a durable extension again now; returns how many. */
  retryDead(name: string): Promise<number> {
    return this.durable(name).retryDead();
  }

  /** Forgets a durable extension's failure for good; throws NOT_FOUND when there is no such failure. */
  async discard(name: string, id: string): Promise<void> {
    if (!(await this.durable(name).discard(id)))
      throw new ExtensionNotFound(`extension ${name} has no failure ${id}`);
  }

  /** Forgets every dead letter of a durable extension for good; returns how many. */
  discardDead(name: string): Promise<number> {
    return this.durable(name).discardDead();
  }

  async stop(): Promise<void> {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.removeHooks?.();
    this.removeHooks = undefined;
    for (const l of this.loaded) for (const r of l.runners) r.stop();
    await Promise.all(this.loaded.flatMap((l) => (l.durable ? [l.durable.stop()] : [])));
  }

  private dispatch(e: ExtensionEvent): void {
    const { tract, event } = tractOf(e.type);
    // A `*` tract hears the engine's events, never the dispatch protocol (it doubles them).
    const keys =
      tract === 'dispatch'
        ? [`${tract}\0${event}`, `${tract}\0*`]
        : [`${tract}\0${event}`, `${tract}\0*`, `*\0${event}`, '*\0*'];
    for (const l of this.loaded) for (const key of keys) for (const r of l.byKey.get(key) ?? []) r.offer(e);
  }

  /** The pump's hooks as dispatch events: each call only builds an event and offers it (no await). */
  private dispatchHooks(): DispatchHooks {
    const emit = (e: DispatchEvent): void => this.dispatch(e);
    return {
      onIntent: (ds) => {
        for (const d of ds) emit({ type: 'dispatch.intent', at: Date.now(), delivery: record(d) });
      },
      onDispatched: (d) => emit({ type: 'dispatch.dispatched', at: Date.now(), delivery: record(d) }),
      onAcknowledged: (d, outputs) =>
        emit({
          type: 'dispatch.acknowledged',
          at: Date.now(),
          delivery: record(d),
          outputs: outputs.map(record),
        }),
      onFailed: (d, failure, outcome) =>
        emit({
          type: 'dispatch.failed',
          at: Date.now(),
          delivery: record(d),
          code: failure.code,
          message: failure.message,
          willRetry: outcome.retryAt !== undefined,
        }),
      onThreadComplete: (threadId, outcome) =>
        emit({ type: 'dispatch.thread-complete', at: Date.now(), threadId, outcome }),
    };
  }

  private async loadOne(baseDir: string, file: string, before: readonly Loaded[]): Promise<Loaded> {
    const name = basename(file, extname(file));
    const shown = relative(baseDir, file);
    const fail = (error: string): Loaded => {
      this.log.error({ extension: name, file: shown }, `extension ${name} is not running: ${error}`);
      return { name, file: shown, error, runners: [], byKey: new Map() };
    };
    if (before.some((l) => l.name === name)) return fail(`another extension is named ${name}`);
    if (!isInsideFolder(baseDir, file)) return fail(`its module is outside the organism folder ${baseDir}`);
    let mod: Record<string, unknown>;
    try {
      mod = (await import(await versionedUrl(file))) as Record<string, unknown>;
    } catch (err) {
      return fail(`its module failed to load: ${err instanceof Error ? err.message : String(err)}`);
    }
    const exported = mod.default;
    const durable = (exported as Extension | undefined)?.options?.durable === true;
    const register: ((api: ExtensionApi) => void) | undefined =
      typeof exported === 'function'
        ? (exported as (api: ExtensionApi) => void)
        : typeof (exported as { register?: unknown } | undefined)?.register === 'function'
          ? (exported as Extension).register
          : undefined;
    if (!register)
      return fail('its module has no default export made with defineExtension (or a register function)');
    const routes: Route[] = [];
    const problems: string[] = [];
    const add = (route: Route): void => {
      if (route.tract !== '*' && !TRACTS.includes(route.tract))
        problems.push(`unknown tract ${JSON.stringify(route.tract)} (tracts: ${TRACTS.join(', ')}, or *)`);
      else if (typeof route.handler !== 'function')
        problems.push(`the handler for ${route.tract}.${route.event} is not a function`);
      else routes.push(route);
    };
    try {
      register({
        onEvent: (tract, event, handler, options = {}) => add(routeOf(tract, event, handler, options)),
        include: (r) => {
          for (const route of r.routes) add(route);
        },
      });
    } catch (err) {
      return fail(`registering threw: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (durable) {
      const live = routes.filter((r) => r.tract !== 'dispatch');
      for (const r of live)
        problems.push(
          `a durable extension hears only the dispatch tract (what the journal records), not ${r.tract}.${r.event}`,
        );
      if (!this.durableDeps) problems.push("durable extensions need the engine's journal");
    }
    if (problems.length > 0) return fail(problems.join('; '));
    if (durable && this.durableDeps) {
      const { journal, store } = this.durableDeps;
      const reader = new DurableExtension(name, routes, journal, store, this.log);
      return { name, file: shown, error: null, durable: reader, runners: [], byKey: new Map() };
    }
    const runners: HandlerRunner[] = [];
    const byKey = new Map<string, HandlerRunner[]>();
    for (const r of routes) {
      const runner = new HandlerRunner(r, name, this.log);
      runners.push(runner);
      const key = `${r.tract}\0${r.event}`;
      byKey.set(key, [...(byKey.get(key) ?? []), runner]);
    }
    return { name, file: shown, error: null, runners, byKey };
  }
}

/** An operator named an extension that is not loaded, or not durable (NOT_FOUND in the API). */
export class ExtensionNotFound extends EngineError {
  constructor(message: string) {
    super('NOT_FOUND', message);
    this.name = 'ExtensionNotFound';
  }
}

/** A delivery as dispatch events carry it: a copy, since the pump changes its attempt in place. */
function record(d: Delivery): DeliveryRecord {
  return {
    id: d.id,
    threadId: d.threadId,
    from: d.from,
    to: d.to,
    root: d.root,
    kind: d.kind,
    attempt: d.attempt,
    payloadXml: d.payloadXml,
  };
}

/** The listed modules, then the `extensions/` folder's, each once, in a stable order. */
export function moduleFiles(baseDir: string, listed: readonly string[]): string[] {
  const files = listed.map((f) => resolve(baseDir, f));
  let found: string[] = [];
  try {
    found = readdirSync(join(baseDir, EXTENSIONS_FOLDER), { withFileTypes: true })
      .filter((d) => d.isFile() && MODULE.test(d.name) && !/\.(d|test)\.[mc]?[tj]s$/.test(d.name))
      .map((d) => join(baseDir, EXTENSIONS_FOLDER, d.name))
      .sort();
  } catch {
    // No extensions folder.
  }
  return [...new Set([...files, ...found])];
}
