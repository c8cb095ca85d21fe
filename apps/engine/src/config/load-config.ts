import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { Problem } from '@organism/shared';
import { checkListeners } from './check-listeners.ts';
import { describeIssue } from './describe-issue.ts';
import type { KeyProblem } from './describe-issue.ts';
import { formatKeyPath } from './format-key-path.ts';
import type { OrganismConfig } from './organism-config.ts';
import { organismFileSchema } from './organism-schema.ts';
import { resolveConfig } from './resolve-config.ts';
import { createYamlLocator } from './yaml-locator.ts';
import type { YamlLocator } from './yaml-locator.ts';

/** The text a config came from, so later layers (XSD compilation, handler import) can point at its lines. */
export interface ConfigSource {
  /** Absolute path of the YAML file. */
  file: string;
  text: string;
  locate(path: readonly (string | number)[]): { line: number; column: number } | undefined;
}

export type ConfigResult =
  { ok: true; config: OrganismConfig; source: ConfigSource } | { ok: false; problems: Problem[] };

// Anchors and aliases are legal YAML, but thousands of them are an expansion attack, not a config.
const MAX_ALIAS_COUNT = 100;

/** Reads and checks an organism.yaml. Never throws for bad input: an unreadable file is a problem too. */
export async function loadConfigFile(file: string): Promise<ConfigResult> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const reason =
      code === 'ENOENT'
        ? 'file not found'
        : code === 'EISDIR'
          ? 'is a directory, not a file'
          : `cannot read: ${String(err)}`;
    return { ok: false, problems: [{ file: basename(file), message: `${reason}: ${file}` }] };
  }
  return parseConfig(text, file);
}

/**
 * Checks YAML text as if it were `file` (relative paths resolve beside it): syntax, the schema, and the
 * cross-checks the schema cannot make. Returns every problem found, in file order, each with its place.
 */
export function parseConfig(text: string, file: string): ConfigResult {
  const path = resolve(file);
  const baseDir = dirname(path);
  const shownFile = basename(path);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const locator = createYamlLocator(doc, lineCounter);

  if (doc.errors.length > 0) {
    const problems = doc.errors.map((e) => ({
      file: shownFile,
      ...locator.position(e.pos[0]),
      message: `invalid YAML: ${e.message}`,
    }));
    return { ok: false, problems };
  }
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (err) {
    return {
      ok: false,
      problems: [{ file: shownFile, line: 1, column: 1, message: `invalid YAML: ${(err as Error).message}` }],
    };
  }

  const parsed = organismFileSchema.safeParse(raw);
  const found: KeyProblem[] = parsed.success
    ? []
    : parsed.error.issues.flatMap((i) => describeIssue(i, raw, organismFileSchema));
  found.push(...checkListeners(raw, baseDir));
  if (!parsed.success || found.length > 0)
    return { ok: false, problems: placeAll(found, shownFile, locator) };

  const source: ConfigSource = { file: path, text, locate: locator.locate };
  return { ok: true, config: resolveConfig(parsed.data, path, baseDir), source };
}

function placeAll(found: KeyProblem[], file: string, locator: YamlLocator): Problem[] {
  const problems = found.map(({ path, message }): Problem => {
    const keyPath = formatKeyPath(path);
    return { file, ...locator.locate(path), ...(keyPath ? { path: keyPath } : {}), message };
  });
  // Stable: problems on one line keep the order the checks found them in.
  return problems.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}
