import { randomUUID } from 'node:crypto';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import { writeFileAtomic } from './atomic-write.ts';

/** One saved copy of organism.yaml: the text as it was before `actor` changed it. */
export interface HistoryEntry {
  id: string;
  /** Milliseconds since the epoch. */
  at: number;
  actor: string;
  note?: string;
  /** Absolute path of the saved copy. */
  file: string;
  /** The files organism.yaml included then, relative to its folder, with their text (saved in the sidecar). */
  includes: Record<string, string>;
}

const sidecarSchema = z.object({
  id: z.string(),
  at: z.number(),
  actor: z.string(),
  note: z.string().optional(),
  includes: z.record(z.string(), z.string()).optional(),
});

// `<stamp>--<id>.yaml`; the stamp is ISO 8601 with `-` for `:` so the names are legal on every file system.
const ENTRY_NAME = /^(\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d\.\d{3}Z)--([0-9a-f]{8})\.yaml$/;

/**
 * Earlier versions of organism.yaml, kept as plain files beside it in `.organism/config-history/`: one
 * `<stamp>--<id>.yaml` copy and a `.json` sidecar (actor, note) each. No database, so an operator can read,
 * diff or copy them by hand.
 */
export class ConfigHistory {
  readonly dir: string;
  // Keeps entries made in the same millisecond in order: `at` is strictly increasing within one process.
  private lastAt = 0;

  constructor(
    configFile: string,
    private readonly now: () => number = Date.now,
  ) {
    this.dir = join(dirname(configFile), '.organism', 'config-history');
  }

  /** Saves `text` (and the text of each file it includes, by path relative to its folder) as a new entry. */
  async save(
    text: string,
    meta: { actor: string; note?: string },
    includes: Record<string, string> = {},
  ): Promise<HistoryEntry> {
    const at = Math.max(this.now(), this.lastAt + 1);
    this.lastAt = at;
    const id = randomUUID().slice(0, 8);
    const base = join(this.dir, `${stamp(at)}--${id}`);
    const entry: HistoryEntry = {
      id,
      at,
      actor: meta.actor,
      ...(meta.note !== undefined ? { note: meta.note } : {}),
      file: `${base}.yaml`,
      includes,
    };
    await mkdir(this.dir, { recursive: true });
    await writeFileAtomic(entry.file, text);
    const sidecar = {
      id,
      at,
      actor: entry.actor,
      ...(entry.note !== undefined ? { note: entry.note } : {}),
      ...(Object.keys(includes).length > 0 ? { includes } : {}),
    };
    await writeFileAtomic(`${base}.json`, `${JSON.stringify(sidecar, null, 2)}\n`);
    return entry;
  }

  /** Every entry, newest first. A missing or damaged sidecar still lists its copy (actor `unknown`). */
  async list(): Promise<HistoryEntry[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const entries = await Promise.all(
      names.flatMap((name) => {
        const m = ENTRY_NAME.exec(name);
        return m?.[1] && m[2] ? [this.entry(m[1], m[2])] : [];
      }),
    );
    return entries.sort((a, b) => b.at - a.at || b.file.localeCompare(a.file));
  }

  /** The entry with that id, if there is one. */
  async find(id: string): Promise<HistoryEntry | undefined> {
    return (await this.list()).find((e) => e.id === id);
  }

  private async entry(stamped: string, id: string): Promise<HistoryEntry> {
    const base = join(this.dir, `${stamped}--${id}`);
    const file = `${base}.yaml`;
    const fallback: HistoryEntry = { id, at: unstamp(stamped), actor: 'unknown', file, includes: {} };
    let raw: unknown;
    try {
      raw = JSON.parse(await readFile(`${base}.json`, 'utf8'));
    } catch {
      return fallback;
    }
    const parsed = sidecarSchema.safeParse(raw);
    if (!parsed.success) return fallback;
    const { at, actor, note, includes } = parsed.data;
    return { id, at, actor, ...(note !== undefined ? { note } : {}), file, includes: includes ?? {} };
  }
}

function stamp(at: number): string {
  return new Date(at).toISOString().replace(/:/g, '-');
}

function unstamp(stamped: string): number {
  return Date.parse(stamped.replace(/T(\d\d)-(\d\d)-(\d\d)/, 'T$1:$2:$3'));
}
