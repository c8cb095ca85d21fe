import { readFileSync } from 'node:fs';
import { basename, dirname, extname, relative, resolve } from 'node:path';
import type { Problem } from '@organism/shared';
import { isInsideFolder } from '../fs/is-inside-folder.ts';
import { formatKeyPath } from './format-key-path.ts';
import { parseHandlerRef } from './handler-ref.ts';
import { suggestKey } from './suggest-key.ts';
import { parseYaml } from './yaml-locator.ts';
import type { YamlLocator, YamlPosition } from './yaml-locator.ts';
import { whyUnreadable } from '../fs/why-unreadable.ts';

/** The keys an included file may hold: what it contributes to the organism. */
export const INCLUDED_KEYS = ['listeners', 'extensions'] as const;
const YAML_FILE = /^\.ya?ml$/;

/** One file organism.yaml includes, parsed, with what it contributes and where each part sits. */
export interface IncludedFile {
  /** Absolute path. */
  file: string;
  /** Relative to the organism folder, as problems name it. */
  shown: string;
  text: string;
  locator: YamlLocator;
  /** Its listeners and extension paths, paths made relative to the organism folder. */
  listeners: unknown[];
  extensions: unknown[];
}

/** Where a key path of the merged configuration was written: which file, which key path in it. */
export interface Placed {
  file: string;
  path: (string | number)[];
  position: YamlPosition;
  /** What a problem with the value there should add (`YamlLocator.noteOn`). */
  note?: string;
}

/**
 * Reads the files organism.yaml's `include:` names (paths relative to the organism folder, inside it,
 * each a .yaml or .yml file holding only `listeners` and `extensions`). Paths inside an included file
 * resolve beside it; they come back relative to the organism folder, so the merged configuration reads
 * as if written in organism.yaml. `texts` stands in for files on disk (a rollback restoring them).
 * Every problem names its file and line.
 */
export function readIncludes(
  include: unknown,
  baseDir: string,
  mainFile: string,
  /** A problem with `include[i]`, placed in organism.yaml. */
  atEntry: (i: number, message: string) => Problem,
  texts?: ReadonlyMap<string, string>,
): { files: IncludedFile[]; problems: Problem[]; order: string[]; incomplete: boolean } {
  const files: IncludedFile[] = [];
  const problems: Problem[] = [];
  /** Whether a file named could not be read as one (its listeners and extensions are missing). */
  let incomplete = false;
  /** Every file read, as problems name it, in include order (for sorting problems by file). */
  const order: string[] = [];
  if (!Array.isArray(include)) return { files, problems, order, incomplete };
  const seen = new Map<string, number>();
  include.forEach((entry: unknown, i) => {
    if (typeof entry !== 'string' || !entry.trim()) return; // the schema reports it
    const at = (message: string, missing = true): number => {
      incomplete ||= missing;
      return problems.push(atEntry(i, message));
    };
    const path = entry.trim();
    const file = resolve(baseDir, path);
    if (!isInsideFolder(baseDir, path)) return at(`${path} is outside the organism folder ${baseDir}`);
    if (!YAML_FILE.test(extname(file))) return at(`an included file must end in .yaml or .yml: ${path}`);
    if (file === resolve(mainFile)) return at(`${basename(mainFile)} cannot include itself`, false);
    const first = seen.get(file);
    if (first !== undefined) return at(`${path} is already included (include[${first}])`, false);
    seen.set(file, i);
    let text = texts?.get(file);
    if (text === undefined) {
      try {
        text = readFileSync(file, 'utf8');
      } catch (err) {
        return at(`${whyUnreadable(err)}: ${path}`);
      }
    }
    const shown = relative(baseDir, file);
    order.push(shown);
    const parsed = parseIncluded(text, file, shown, baseDir);
    if (!parsed.ok) {
      incomplete = true;
      problems.push(...parsed.problems);
    } else files.push(parsed.included);
  });
  return { files, problems, order, incomplete };
}

function parseIncluded(
  text: string,
  file: string,
  shown: string,
  baseDir: string,
): { ok: true; included: IncludedFile } | { ok: false; problems: Problem[] } {
  const parsedYaml = parseYaml(text, shown);
  if (!parsedYaml.ok) return parsedYaml;
  const { locator } = parsedYaml;
  let { raw } = parsedYaml;
  const problem = (path: (string | number)[], message: string): Problem => ({
    file: shown,
    ...locator.locate(path),
    ...(path.length > 0 ? { path: formatKeyPath(path) } : {}),
    message,
  });
  if (raw === null || raw === undefined) raw = {};
  if (typeof raw !== 'object' || Array.isArray(raw))
    return {
      ok: false,
      problems: [problem([], 'an included file must be a map of keys (listeners, extensions)')],
    };
  const map = raw as Record<string, unknown>;
  const problems: Problem[] = [];
  for (const key of Object.keys(map)) {
    if ((INCLUDED_KEYS as readonly string[]).includes(key)) continue;
    const guess = suggestKey(key, INCLUDED_KEYS);
    problems.push(
      problem(
        [key],
        key === 'include'
          ? 'an included file cannot include others: list every file in organism.yaml'
          : `an included file holds only listeners and extensions, not "${key}"${guess ? `; did you mean "${guess}"?` : ''}`,
      ),
    );
  }
  const list = (key: (typeof INCLUDED_KEYS)[number]): unknown[] => {
    const v = map[key];
    if (v === undefined || v === null) return [];
    if (Array.isArray(v)) return v;
    const got =
      typeof v === 'string' ? `text ${JSON.stringify(v)}` : typeof v === 'object' ? 'a map' : `a ${typeof v}`;
    problems.push(problem([key], `expected a list, got ${got}`));
    return [];
  };
  const listeners = list('listeners');
  const extensions = list('extensions');
  if (problems.length > 0) return { ok: false, problems };
  const here = dirname(file);
  const rebase = (p: string): string => relative(baseDir, resolve(here, p.trim())) || '.';
  return {
    ok: true,
    included: {
      file,
      shown,
      text,
      locator,
      listeners: listeners.map((l) => rebaseListener(l, rebase)),
      extensions: extensions.map((e) => (typeof e === 'string' && e.trim() ? rebase(e) : e)),
    },
  };
}

/** A listener of an included file with its schema and handler paths made relative to the organism folder. */
function rebaseListener(l: unknown, rebase: (p: string) => string): unknown {
  if (typeof l !== 'object' || l === null || Array.isArray(l)) return l;
  const out = { ...(l as Record<string, unknown>) };
  const payload = out['payload'];
  if (typeof payload === 'object' && payload !== null && !Array.isArray(payload)) {
    const schema = (payload as Record<string, unknown>)['schema'];
    if (typeof schema === 'string' && schema.trim())
      out['payload'] = { ...(payload as Record<string, unknown>), schema: rebase(schema) };
  }
  const handler = out['handler'];
  const ref = typeof handler === 'string' ? parseHandlerRef(handler) : undefined;
  if (ref) {
    const hash = (handler as string).indexOf('#');
    out['handler'] = `${rebase(ref.modulePath)}${hash < 0 ? '' : `#${ref.exportName}`}`;
  }
  return out;
}

/**
 * Maps a key path of the merged configuration back to the file that wrote it: listeners and extensions
 * past organism.yaml's own belong to the included files, in order.
 */
export function placer(
  mainShown: string,
  mainLocator: YamlLocator,
  mainCounts: { listeners: number; extensions: number },
  files: readonly IncludedFile[],
): (path: readonly (string | number)[]) => Placed {
  return (path) => {
    const [key, index, ...rest] = path;
    if ((key === 'listeners' || key === 'extensions') && typeof index === 'number') {
      let offset = mainCounts[key];
      if (index >= offset)
        for (const f of files) {
          const n = f[key].length;
          if (index < offset + n) {
            const inner = [key, index - offset, ...rest];
            return placed(f.shown, inner, f.locator);
          }
          offset += n;
        }
    }
    return placed(mainShown, [...path], mainLocator);
  };
}

function placed(file: string, path: (string | number)[], locator: YamlLocator): Placed {
  const note = locator.noteOn(path);
  return { file, path, position: locator.locate(path), ...(note === undefined ? {} : { note }) };
}
