import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import type { Problem } from '@organism/shared';
import { checkListeners } from './check-listeners.ts';
import { describeIssue } from './describe-issue.ts';
import type { KeyProblem } from './describe-issue.ts';
import { formatKeyPath } from './format-key-path.ts';
import type { OrganismConfig } from './organism-config.ts';
import { listenerSchema, organismFileSchema } from './organism-schema.ts';
import { listenerContract, resolveConfig } from './resolve-config.ts';
import type { ListenerContract } from './resolve-config.ts';
import { placer, readIncludes } from './includes.ts';
import type { Placed } from './includes.ts';
import { parseYaml } from './yaml-locator.ts';
import { whyUnreadable } from '../fs/why-unreadable.ts';

/** The text a config came from, so later layers (XSD compilation, handler import) can point at its lines. */
export interface ConfigSource {
  /** Absolute path of the YAML file. */
  file: string;
  text: string;
  /** The files it includes, in order: absolute path and text. */
  included: { file: string; text: string }[];
  /** Where a key path of the merged configuration was written: file (as problems name it), line, path there. */
  place: (path: readonly (string | number)[]) => Placed;
}

export type ConfigResult =
  | { ok: true; config: OrganismConfig; source: ConfigSource }
  | { ok: false; problems: Problem[]; sound?: SoundListeners };

/**
 * Of a configuration with problems, the listeners that have none of their own (each checked alone, in a
 * file that parsed): the later checks (XSD, filter, handler export) can run on them at once, so an editor
 * hears of those problems with the others, not one stage at a time.
 */
export interface SoundListeners {
  baseDir: string;
  /** Each with its index in the merged `listeners`. */
  listeners: { index: number; contract: ListenerContract }[];
  place: (path: readonly (string | number)[]) => Placed;
  /** The order problems are sorted by file in: organism.yaml, then the included files. */
  files: readonly string[];
}

/** Reads and checks an organism.yaml. Never throws for bad input: an unreadable file is a problem too. */
export async function loadConfigFile(file: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, problems: [{ file: basename(file), message: `${whyUnreadable(err)}: ${file}` }] };
  }
  return parseConfig(text, file);
}

/**
 * Checks YAML text as if it were `file` (relative paths resolve beside it), with the files its `include:`
 * names: syntax, the schema, and the cross-checks the schema cannot make. Returns every problem found, in
 * file order, each with its file and place. `includes` stands in for included files on disk (by absolute
 * path), e.g. a rollback restoring them.
 */
export function parseConfig(
  text: string,
  file: string,
  opts: { includes?: ReadonlyMap<string, string> } = {},
): ConfigResult {
  const path = resolve(file);
  const baseDir = dirname(path);
  const shownFile = basename(path);
  const parsedYaml = parseYaml(text, shownFile);
  if (!parsedYaml.ok) return parsedYaml;
  const { raw, locator } = parsedYaml;

  const main = isRecord(raw) ? raw : undefined;
  const atEntry = (i: number, message: string): Problem => ({
    file: shownFile,
    ...locator.locate(['include', i]),
    path: formatKeyPath(['include', i]),
    message,
  });
  const included = readIncludes(main?.['include'], baseDir, path, atEntry, opts.includes);
  const ownListeners = Array.isArray(main?.['listeners']) ? (main['listeners'] as unknown[]) : undefined;
  const ownExtensions = Array.isArray(main?.['extensions']) ? (main['extensions'] as unknown[]) : undefined;
  // The included files' listeners and extensions follow organism.yaml's own, in include order; a list
  // of the wrong type is left as it is for the schema to report.
  const merged =
    main && included.files.length > 0
      ? {
          ...main,
          ...(ownListeners || main['listeners'] === undefined
            ? { listeners: [...(ownListeners ?? []), ...included.files.flatMap((f) => f.listeners)] }
            : {}),
          ...(ownExtensions || main['extensions'] === undefined
            ? { extensions: [...(ownExtensions ?? []), ...included.files.flatMap((f) => f.extensions)] }
            : {}),
        }
      : raw;
  const place = placer(
    shownFile,
    locator,
    { listeners: ownListeners?.length ?? 0, extensions: ownExtensions?.length ?? 0 },
    included.files,
  );

  const parsed = organismFileSchema.safeParse(merged);
  let found: KeyProblem[] = parsed.success
    ? []
    : parsed.error.issues.flatMap((i) => describeIssue(i, merged, organismFileSchema));
  found.push(...checkListeners(merged, baseDir));
  // An included file that could not be read took its listeners with it: no listeners at all, or a peer
  // naming one of them, would only be that problem again, said wrongly.
  if (included.incomplete) found = found.filter((p) => !missingWithInclude(p));
  if (!parsed.success || found.length > 0 || included.problems.length > 0) {
    const files = [shownFile, ...included.order];
    const problems = sortProblems([...included.problems, ...placeAll(found, place)], files);
    const troubled = new Set(found.flatMap(({ path }) => (path[0] === 'listeners' ? [path[1]] : [])));
    const listeners = (isRecord(merged) && Array.isArray(merged['listeners']) ? merged['listeners'] : [])
      .map((raw: unknown, index) => ({ index, alone: listenerSchema.safeParse(raw) }))
      .flatMap(({ index, alone }) =>
        alone.success && !troubled.has(index)
          ? [{ index, contract: listenerContract(alone.data, baseDir) }]
          : [],
      );
    return { ok: false, problems, sound: { baseDir, listeners, place, files } };
  }

  const source: ConfigSource = {
    file: path,
    text,
    included: included.files.map((f) => ({ file: f.file, text: f.text })),
    place,
  };
  const config = resolveConfig(parsed.data, path, baseDir);
  config.listeners.forEach((l, i) => {
    l.definedIn = place(['listeners', i]).file;
  });
  return { ok: true, config, source };
}

/** A problem an unread included file explains: the listeners missing, or a peer naming none there is. */
function missingWithInclude({ path, message }: KeyProblem): boolean {
  if (path.length === 1 && path[0] === 'listeners') return message === 'required key is missing';
  return path[0] === 'listeners' && path[2] === 'peers' && message.startsWith('no listener named');
}

function placeAll(found: KeyProblem[], place: (path: readonly (string | number)[]) => Placed): Problem[] {
  return found.map(({ path, message, also }): Problem => {
    const at = place(path);
    const keyPath = formatKeyPath(at.path);
    // The other place as its own file knows it: an included file's listeners count from its own first.
    const other = also && place(also);
    const withOther = other
      ? `${message} (also ${other.file}:${other.position.line}:${other.position.column} ${formatKeyPath(other.path)})`
      : message;
    const said = at.note === undefined ? withOther : `${withOther} (${at.note})`;
    return { file: at.file, ...at.position, ...(keyPath ? { path: keyPath } : {}), message: said };
  });
}

/** By file (organism.yaml first, then the included files in order), then line. Stable within a line. */
export function sortProblems(problems: Problem[], files: readonly string[]): Problem[] {
  const rank = (p: Problem): number => {
    const i = files.indexOf(p.file ?? '');
    return i < 0 ? files.length : i;
  };
  return problems.sort(
    (a, b) => rank(a) - rank(b) || (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
  );
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
