/** One saved copy of organism.yaml as `config.history` lists it: the text as it was before `actor` saved. */
export interface HistoryEntry {
  id: string;
  at: number;
  actor: string;
  note?: string;
}

/** The id the console gives the running configuration among the saved versions. */
export const RUNNING = 'running';

/** A version of organism.yaml: the running one, or one kept in history, with who saved it, when and why. */
export interface ConfigVersion {
  /** `running`, or the history entry's id (what `config.version` and `config.rollback` take). */
  id: string;
  /** 1 for the oldest kept; the running one is the newest. */
  number: number;
  /** The file on disk now (the newest), which is what runs unless `notRunning`. */
  running: boolean;
  /** The file on disk is not the text the running configuration was loaded from. */
  notRunning?: boolean;
  /** Who saved this text, when and with what note; unknown for the oldest (it predates the history). */
  savedBy?: string;
  savedAt?: number;
  note?: string;
  /** When it stopped running (a saved version only). */
  replacedAt?: number;
}

/**
 * The versions, newest first. The engine keeps each text under the save that replaced it (entry i holds
 * what was running until entry i's save), so who saved a text is read from the entry one older.
 */
export function versionsOf(history: readonly HistoryEntry[], notRunning = false): ConfigVersion[] {
  const n = history.length;
  const savedBy = (e: HistoryEntry | undefined) =>
    e ? { savedBy: e.actor, savedAt: e.at, ...(e.note !== undefined ? { note: e.note } : {}) } : {};
  return [
    {
      id: RUNNING,
      number: n + 1,
      running: true,
      ...(notRunning ? { notRunning } : {}),
      ...savedBy(history[0]),
    },
    ...history.map((e, i) => ({
      id: e.id,
      number: n - i,
      running: false,
      replacedAt: e.at,
      ...savedBy(history[i + 1]),
    })),
  ];
}

/** `version 3 (running)`. */
export function versionLabel(v: ConfigVersion): string {
  if (!v.running) return `version ${v.number}`;
  return v.notRunning ? `version ${v.number} (on disk, not running)` : `version ${v.number} (running)`;
}

/**
 * A version's note in the words of this list: the engine notes a rollback by the history entry's id
 * (`rollback to e402d589…`), which the list numbers.
 */
export function noteOf(note: string, versions: readonly ConfigVersion[]): string {
  const id = /^rollback to (\S+)$/.exec(note)?.[1];
  if (id === undefined) return note;
  const to = versions.find((v) => v.id === id);
  return to ? `rolled back to version ${to.number}` : 'rolled back to a version no longer kept';
}
