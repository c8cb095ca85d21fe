import { readFile } from 'node:fs/promises';
import { relative } from 'node:path';
import type { UploadOrganismFileInput } from '@organism/shared';
import type { Journal } from '../journal/journal.ts';
import type { EngineEvents } from '../pump/engine-events.ts';
import { ConfigManager, configVersion } from './config-manager.ts';
import type { DiffResult, HistorySummary, ReloadResult, ValidateResult } from './config-manager.ts';
import { listOrganismFiles, writeOrganismFile } from './organism-files.ts';
import type { OrganismFiles, UploadResult } from './organism-files.ts';
import type { LoadedOrganism } from './organism-loader.ts';
import { whyUnreadable } from '../fs/why-unreadable.ts';

type Config = LoadedOrganism['config'];

/**
 * organism.yaml as operators read and edit it (the `config.*` API): every change goes through the config
 * manager, all or nothing, and a change that took effect loads the extensions again with it.
 */
export class EngineConfiguration {
  private readonly manager: ConfigManager;
  private localChange: ((actor: string) => Promise<void>) | undefined;

  constructor(
    private readonly deps: {
      current: () => Config;
      /** organism.yaml's text as the running configuration was loaded from it. */
      runningText: () => string;
      /** Puts `next` in force (listeners swapped in the pump); returns what was in force. */
      swap: (next: LoadedOrganism) => LoadedOrganism;
      journal: Journal;
      events: EngineEvents;
      /** After a change took effect: finds and loads the extensions again. */
      changed: () => Promise<void>;
    },
  ) {
    const { journal } = deps;
    this.manager = new ConfigManager({
      file: deps.current().file,
      current: deps.current,
      swap: deps.swap,
      unfinishedFor: (listener) => journal.countUnfinished(listener),
      recentPayloads: async (listener, limit) => {
        const page = await journal.search({ filter: { to: listener }, limit, scan: limit });
        return page.hits.flatMap((h) => (h.payloadXml ? [{ id: h.entry.id, payloadXml: h.payloadXml }] : []));
      },
      emitReload: (e) => deps.events.emit(() => ({ type: 'reload', at: Date.now(), ...e })),
    });
  }

  /** Reloads organism.yaml from disk, all or nothing; `system.*` listeners are never touched. */
  reload(actor: string): Promise<ReloadResult> {
    return this.local(this.manager.reload(actor), actor);
  }

  /** `fn` runs after every change made on this engine took effect (apply, rollback, reload), not a followed one. */
  onLocalChange(fn: (actor: string) => Promise<void>): void {
    this.localChange = fn;
  }

  /** organism.yaml and its included files (relative path → text) as on disk. */
  snapshot(): Promise<{ yaml: string; includes: Record<string, string> }> {
    return this.manager.snapshot();
  }

  /** Applies a configuration another engine made (shared-config.ts), all or nothing, as `apply` would. */
  follow(yaml: string, includes: Record<string, string>, actor: string, note: string): Promise<ReloadResult> {
    return this.taking(this.manager.adopt(yaml, includes, actor, note));
  }
  read(): Promise<string> {
    return this.manager.read();
  }
  /** organism.yaml with its version, which a save's `basedOn` names (`configVersion`). */
  async readVersioned(): Promise<{ yaml: string; version: string }> {
    const yaml = await this.manager.read();
    return { yaml, version: configVersion(yaml) };
  }
  /**
   * The text the running configuration was loaded from and its version: the file on disk's until it is
   * changed outside a save (by hand, or a reload the engine refused), when the two tell apart.
   */
  running(): { yaml: string; version: string } {
    const yaml = this.deps.runningText();
    return { yaml, version: configVersion(yaml) };
  }
  /** The files the running configuration includes, as they are on disk now (relative path and text). */
  includedFiles(): Promise<{ file: string; yaml: string }[]> {
    const config = this.deps.current();
    return Promise.all(
      config.includes.map(async (f) => {
        const file = relative(config.baseDir, f);
        const yaml = await readFile(f, 'utf8').catch((err: unknown) => `# ${whyUnreadable(err)}: ${file}\n`);
        return { file, yaml };
      }),
    );
  }
  validate(yaml: string): Promise<ValidateResult> {
    return this.manager.validate(yaml);
  }
  diff(yaml: string): Promise<DiffResult> {
    return this.manager.diff(yaml);
  }
  /** Saves and reloads `yaml`; with `basedOn`, only if organism.yaml is still at that version (else CONFLICT). */
  apply(yaml: string, actor: string, note?: string, basedOn?: string): Promise<ReloadResult> {
    return this.local(this.manager.apply(yaml, actor, note, basedOn), actor);
  }
  history(): Promise<HistorySummary[]> {
    return this.manager.history();
  }
  /** The text of a saved version (history entry `id`); NOT_FOUND when there is none. */
  version(id: string): Promise<string> {
    return this.manager.version(id);
  }
  /** The included files saved with a history entry. */
  versionIncludes(id: string): Promise<{ file: string; yaml: string }[]> {
    return this.manager.included(id);
  }
  rollback(id: string, actor: string, basedOn?: string): Promise<ReloadResult> {
    return this.local(this.manager.rollback(id, actor, basedOn), actor);
  }
  /** The XSDs and handler modules in the organism folder, with their global elements and exports. */
  files(): Promise<OrganismFiles> {
    return listOrganismFiles(this.deps.current().baseDir);
  }
  /** Writes an uploaded XSD or handler module into the organism folder once it is found sound. */
  upload(input: Required<UploadOrganismFileInput>): Promise<UploadResult> {
    return writeOrganismFile(this.deps.current().baseDir, input);
  }

  /** Disposes the organisms that earlier changes retired and that are still waiting to be. */
  close(): void {
    this.manager.close();
  }

  private async taking(change: Promise<ReloadResult>): Promise<ReloadResult> {
    const result = await change;
    if (result.ok) await this.deps.changed();
    return result;
  }

  private async local(change: Promise<ReloadResult>, actor: string): Promise<ReloadResult> {
    const result = await this.taking(change);
    if (result.ok) await this.localChange?.(actor);
    return result;
  }
}
