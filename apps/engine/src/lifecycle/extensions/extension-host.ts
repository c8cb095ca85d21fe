import { readdirSync } from 'node:fs';
import { basename, extname, join, relative, resolve } from 'node:path';
import type { EngineEvent, Log } from '@organism/shared';
import { isInsideFolder } from '../../fs/is-inside-folder.ts';
import type { EngineEvents } from '../../pump/engine-events.ts';
import { versionedUrl } from '../import-handler.ts';
import { routeOf, TRACTS, tractOf } from './extension-api.ts';
import type { ExtensionApi, Route, Tract } from './extension-api.ts';
import { HandlerRunner } from './handler-runner.ts';
import type { HandlerCounts } from './handler-runner.ts';

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
}

interface Loaded {
  name: string;
  file: string;
  error: string | null;
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

  constructor(
    private readonly events: EngineEvents,
    private readonly log: Log,
  ) {}

  /** Finds, imports and registers the extensions of the organism in `baseDir`; replaces those running. */
  async load(baseDir: string, listed: readonly string[]): Promise<void> {
    const next: Loaded[] = [];
    for (const file of moduleFiles(baseDir, listed)) next.push(await this.loadOne(baseDir, file, next));
    const previous = this.loaded;
    this.loaded = next;
    for (const l of previous) for (const r of l.runners) r.stop();
    const any = next.some((l) => l.runners.length > 0);
    if (any && !this.unsubscribe) this.unsubscribe = this.events.on('*', (e) => this.dispatch(e));
    if (!any && this.unsubscribe) {
      this.unsubscribe();
      this.unsubscribe = undefined;
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

  list(): ExtensionInfo[] {
    return this.loaded.map((l) => ({
      name: l.name,
      file: l.file,
      error: l.error,
      handlers: l.runners.map((r) => r.snapshot()),
    }));
  }

  stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    for (const l of this.loaded) for (const r of l.runners) r.stop();
  }

  private dispatch(e: EngineEvent): void {
    const { tract, event } = tractOf(e.type);
    for (const l of this.loaded)
      for (const key of [`${tract}\0${event}`, `${tract}\0*`, `*\0${event}`, '*\0*'])
        for (const r of l.byKey.get(key) ?? []) r.offer(e);
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
    const register =
      typeof exported === 'function'
        ? exported
        : typeof (exported as { register?: unknown } | undefined)?.register === 'function'
          ? (exported as { register: (api: ExtensionApi) => void }).register
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
      (register as (api: ExtensionApi) => void)({
        onEvent: (tract, event, handler, options = {}) => add(routeOf(tract, event, handler, options)),
        include: (r) => {
          for (const route of r.routes) add(route);
        },
      });
    } catch (err) {
      return fail(`registering threw: ${err instanceof Error ? err.message : String(err)}`);
    }
    if (problems.length > 0) return fail(problems.join('; '));
    const runners = routes.map((r) => new HandlerRunner(r, name, this.log));
    const byKey = new Map<string, HandlerRunner[]>();
    routes.forEach((r, i) => {
      const key = `${r.tract}\0${r.event}`;
      const runner = runners[i];
      if (runner) byKey.set(key, [...(byKey.get(key) ?? []), runner]);
    });
    return { name, file: shown, error: null, runners, byKey };
  }
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

export type { Tract };
