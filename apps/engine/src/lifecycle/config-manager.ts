import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { isInsideFolder } from '../fs/is-inside-folder.ts';
import { EngineError } from '@organism/shared';
import type { Problem } from '@organism/shared';
import { diffConfigs } from '../config/index.ts';
import type { ConfigDiff, OrganismConfig } from '../config/index.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { checkRecent } from './contract-impact.ts';
import type { ContractImpact } from './contract-impact.ts';
import { ConfigHistory } from './config-history.ts';
import type { HistoryEntry } from './config-history.ts';
import { checkOrganismText, loadOrganism, loadOrganismText } from './organism-loader.ts';
import type { LoadedOrganism, LoadResult } from './organism-loader.ts';

export type { HistoryEntry } from './config-history.ts';
/** A history entry as operators list it: the included files by name only. */
export type HistorySummary = Omit<HistoryEntry, 'includes'> & { includes: string[] };
export type { ContractImpact } from './contract-impact.ts';

/** What the config manager needs from the running engine. */
export interface ConfigManagerDeps {
  /** Absolute path of organism.yaml. */
  file: string;
  /** The running config. */
  current(): OrganismConfig;
  /**
   * Swaps in a loaded organism: replaces the pump's listeners (`system.*` untouched) and makes it the one
   * `current()` answers with. Returns the organism it replaced. Must not throw.
   */
  swap(next: LoadedOrganism): LoadedOrganism | undefined;
  /** Count of PENDING or DISPATCHED journal entries addressed to a listener. */
  unfinishedFor(listener: string): Promise<number>;
  /** The payloads of the newest messages addressed to a listener, newest first (at most `limit`). */
  recentPayloads?(listener: string, limit: number): Promise<{ id: string; payloadXml: string }[]>;
  emitReload(e: { added: string[]; removed: string[]; updated: string[]; atRestart?: string[] }): void;
  /** How long a replaced organism's compiled schemas stay usable before they are freed; 30 s by default. */
  disposeGraceMs?: number;
}

export type ValidateResult = { ok: true; listeners: number } | { ok: false; problems: Problem[] };

export type DiffResult =
  | {
      ok: true;
      diff: ConfigDiff;
      impact: { listener: string; unfinished: number }[];
      /** For each listener whose contract changes: its newest messages checked against the new one. */
      contracts: ContractImpact[];
    }
  | { ok: false; problems: Problem[] };

export type ReloadResult =
  | {
      ok: true;
      added: string[];
      removed: string[];
      updated: string[];
      /** The settings changed in the file that only the next start reads (`server.port`). */
      atRestart?: string[];
    }
  | { ok: false; problems: Problem[] };

/** A rollback to a history entry that does not exist. */
export class ConfigHistoryError extends EngineError {
  constructor(message: string) {
    super('NOT_FOUND', message);
    this.name = 'ConfigHistoryError';
  }
}

const DISPOSE_GRACE_MS = 30_000;
/** How many of a listener's newest messages a diff checks against its changed contract. */
const RECENT_CHECKED = 50;

/**
 * Loads an organism for a reload: from the file on disk, or from `text` as if it were that file (relative
 * paths resolve beside it). Compiles every XSD and imports every handler; never throws for bad input.
 * The one path every applied config change takes, so that handler freshness is decided in one place.
 */
export function loadFresh(
  file: string,
  text?: string,
  includes?: ReadonlyMap<string, string>,
): Promise<LoadResult> {
  return text === undefined ? loadOrganism(file) : loadOrganismText(text, file, includes);
}

/** A configuration text's version: the first 16 hex digits of its SHA-256 (`config.get`, `basedOn`). */
export function configVersion(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

/**
 * Live configuration: validates and diffs edited YAML without touching what runs and without running
 * handler code, and reloads, applies and rolls back all-or-nothing (only these import handlers). Changes
 * are serialized; each apply keeps the text it replaced in `.organism/config-history/` beside the YAML.
 */
export class ConfigManager {
  private readonly history_: ConfigHistory;
  private readonly graceMs: number;
  // Every change waits for the one before it; the tail never rejects, so one failure does not block the rest.
  private tail: Promise<unknown> = Promise.resolve();
  private readonly retiring = new Map<NodeJS.Timeout, LoadedOrganism>();

  constructor(private readonly deps: ConfigManagerDeps) {
    this.history_ = new ConfigHistory(deps.file);
    this.graceMs = deps.disposeGraceMs ?? DISPOSE_GRACE_MS;
  }

  /** The YAML text on disk. */
  read(): Promise<string> {
    return readFile(this.deps.file, 'utf8');
  }

  /**
   * Parses `yaml`, compiles every XSD and checks every handler module without importing it (see
   * `checkOrganismText`); touches nothing running.
   */
  async validate(yaml: string): Promise<ValidateResult> {
    const checked = await checkOrganismText(yaml, this.deps.file);
    if (!checked.ok) return checked;
    return { ok: true, listeners: checked.config.listeners.length };
  }

  /** Validates, then compares with the running config; `impact` counts unfinished work per removed listener. */
  async diff(yaml: string): Promise<DiffResult> {
    let contracts: ContractImpact[] = [];
    const checked = await checkOrganismText(yaml, this.deps.file, async (config, compiled) => {
      const recent = this.deps.recentPayloads?.bind(this.deps);
      if (!recent) return;
      const changed = diffConfigs(this.deps.current(), config).changed.filter((c) =>
        c.fields.some((f) => f.startsWith('payload.')),
      );
      contracts = await Promise.all(
        changed.flatMap((c) => {
          const contract = compiled.get(c.name);
          return contract
            ? [recent(c.name, RECENT_CHECKED).then((m) => checkRecent(c.name, contract, m, this.maxBytes()))]
            : [];
        }),
      );
    });
    if (!checked.ok) return checked;
    const diff = diffConfigs(this.deps.current(), checked.config);
    const impact = await Promise.all(
      diff.removed.map(async (listener) => ({
        listener,
        unfinished: await this.deps.unfinishedFor(listener),
      })),
    );
    return { ok: true, diff, impact, contracts };
  }

  private maxBytes(): number {
    return this.deps.current().pump.maxMessageBytes;
  }

  /**
   * Reloads from the file on disk, all-or-nothing: with any problem nothing changes. `actor` is who asked;
   * the caller writes it to the audit log.
   */
  reload(_actor: string): Promise<ReloadResult> {
    return this.serialized(async () => {
      const loaded = await loadFresh(this.deps.file);
      return loaded.ok ? this.commit(loaded.organism) : loaded;
    });
  }

  /**
   * Validates `yaml`; if it is sound, saves the current file into history, writes `yaml` over it
   * atomically and swaps in what was validated. Throws only if the files cannot be written (then
   * nothing running has changed).
   */
  apply(yaml: string, actor: string, note?: string, basedOn?: string): Promise<ReloadResult> {
    return this.serialized(async () => {
      await this.assertAt(basedOn);
      return this.applyNow(yaml, actor, note);
    });
  }

  /**
   * Refuses with CONFLICT when organism.yaml is no longer at version `basedOn` (undefined: no check).
   * Called inside `serialized`, in the same step as the write it guards: no other change can come between.
   */
  private async assertAt(basedOn: string | undefined): Promise<void> {
    if (basedOn === undefined) return;
    const text = await this.readIfThere();
    const now = text === undefined ? undefined : configVersion(text);
    if (now !== basedOn)
      throw new EngineError(
        'CONFLICT',
        `organism.yaml changed since version ${basedOn} was read (${now === undefined ? 'gone from disk' : `now ${now}`}): read it again, or write over it knowingly`,
      );
  }

  /** The YAML text on disk, or undefined when there is no file. */
  private readIfThere(): Promise<string | undefined> {
    return this.read().catch((err: NodeJS.ErrnoException) => {
      if (err.code === 'ENOENT') return undefined;
      throw err;
    });
  }

  /**
   * Writes and swaps in `yaml`, with `includes` (absolute path → text) written over the files it includes
   * first: a rollback restores them. The history entry keeps organism.yaml and every file the running
   * configuration includes, as they were.
   */
  private async applyNow(
    yaml: string,
    actor: string,
    note?: string,
    includes: ReadonlyMap<string, string> = new Map(),
  ): Promise<ReloadResult> {
    // The organism compiled from this very text is the one swapped in: loading the file again after the
    // write would do the same work twice and open a window for the file to change in between.
    const loaded = await loadFresh(this.deps.file, yaml, includes);
    if (!loaded.ok) return loaded;
    try {
      const before = await this.readIfThere();
      const included = await this.includedTexts();
      const changed = [...includes].some(
        ([f, text]) => included[relative(dirname(this.deps.file), f)] !== text,
      );
      if (before !== undefined && (before !== yaml || changed))
        await this.history_.save(before, { actor, ...(note !== undefined ? { note } : {}) }, included);
      for (const [f, text] of includes) await writeFileAtomic(f, text);
      await writeFileAtomic(this.deps.file, yaml);
    } catch (err) {
      loaded.organism.registry.dispose();
      throw err;
    }
    return this.commit(loaded.organism);
  }

  /** organism.yaml and the files the running configuration includes (relative path → text), as on disk. */
  async snapshot(): Promise<{ yaml: string; includes: Record<string, string> }> {
    return { yaml: await this.read(), includes: await this.includedTexts() };
  }

  /**
   * Applies a configuration made elsewhere (another engine's, shared-config.ts): `yaml` and the files it
   * includes (path relative to organism.yaml → text) are written and swapped in as an apply would.
   */
  adopt(yaml: string, includes: Record<string, string>, actor: string, note: string): Promise<ReloadResult> {
    return this.serialized(() => this.applyNow(yaml, actor, note, this.insideFolder(includes)));
  }

  /** Included files by absolute path, leaving out any a damaged or hostile record puts outside the folder. */
  private insideFolder(includes: Record<string, string>): Map<string, string> {
    const base = dirname(this.deps.file);
    return new Map(
      Object.entries(includes).flatMap(([f, text]): [string, string][] =>
        isInsideFolder(base, f) ? [[resolve(base, f), text]] : [],
      ),
    );
  }

  /** The files the running configuration includes, by path relative to its folder, as they are on disk. */
  private async includedTexts(): Promise<Record<string, string>> {
    const out: Record<string, string> = {};
    for (const f of this.deps.current().includes) {
      const text = await readFile(f, 'utf8').catch(() => undefined);
      if (text !== undefined) out[relative(dirname(this.deps.file), f)] = text;
    }
    return out;
  }

  /** Saved versions of the file, newest first, each naming the files it included (their text: `included`). */
  async history(): Promise<HistorySummary[]> {
    return (await this.history_.list()).map((e) => ({ ...e, includes: Object.keys(e.includes) }));
  }

  /** The included files saved in history entry `id`, by path relative to the organism folder. */
  async included(id: string): Promise<{ file: string; yaml: string }[]> {
    const entry = await this.history_.find(id);
    if (!entry) throw new ConfigHistoryError(`no config history entry ${JSON.stringify(id)}`);
    return Object.entries(entry.includes).map(([file, yaml]) => ({ file, yaml }));
  }

  /** The text saved in history entry `id`. Throws ConfigHistoryError if there is no such entry. */
  async version(id: string): Promise<string> {
    const entry = await this.history_.find(id);
    if (!entry) throw new ConfigHistoryError(`no config history entry ${JSON.stringify(id)}`);
    return readFile(entry.file, 'utf8');
  }

  /**
   * Applies the text saved in history entry `id`, with the included files it saved written back too.
   * Throws ConfigHistoryError if there is no such entry; with `basedOn`, as `apply`.
   */
  async rollback(id: string, actor: string, basedOn?: string): Promise<ReloadResult> {
    const yaml = await this.version(id);
    const entry = await this.history_.find(id);
    const includes = this.insideFolder(entry?.includes ?? {});
    return this.serialized(async () => {
      await this.assertAt(basedOn);
      return this.applyNow(yaml, actor, `rollback to ${id}`, includes);
    });
  }

  /** Frees the schemas of every replaced organism now, without waiting for the grace period (shutdown). */
  close(): void {
    for (const [timer, organism] of this.retiring) {
      clearTimeout(timer);
      organism.registry.dispose();
    }
    this.retiring.clear();
  }

  private commit(next: LoadedOrganism): ReloadResult {
    const diff = diffConfigs(this.deps.current(), next.config);
    const previous = this.deps.swap(next);
    if (previous && previous !== next) this.retire(previous);
    const result = { added: diff.added, removed: diff.removed, updated: diff.changed.map((c) => c.name) };
    // Taken into the file, not into this engine: said, so a reload is not read as having applied them.
    const atRestart = diff.settings.filter((s) => s.when === 'restart').map((s) => s.key);
    const said = atRestart.length > 0 ? { ...result, atRestart } : result;
    this.deps.emitReload(said);
    return { ok: true, ...said };
  }

  /**
   * Frees a replaced organism's compiled schemas after a grace period rather than at once. Deliveries
   * already running a handler keep their Listener, schema included, and nothing counts those references;
   * freeing the WASM validators under them would be a use-after-free. A handler that outlives the grace
   * period finishes normally (the pump validates its output against the listeners of the moment). The
   * timer is unref'd so a pending disposal never keeps the process alive.
   */
  private retire(previous: LoadedOrganism): void {
    const timer = setTimeout(() => {
      this.retiring.delete(timer);
      previous.registry.dispose();
    }, this.graceMs);
    timer.unref();
    this.retiring.set(timer, previous);
  }

  private serialized<T>(task: () => Promise<T>): Promise<T> {
    const run = this.tail.then(task);
    this.tail = run.catch(() => undefined);
    return run;
  }
}
