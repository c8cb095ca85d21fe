import { sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The engine package's folder, as its own frames in a stack name it. */
const ENGINE_DIR = fileURLToPath(new URL('../..', import.meta.url));
/** The folders of the organisms this process runs (one, but for tests and benchmarks). */
const organismDirs = new Set<string>();

/** Names `dir` as an organism's folder: its files' frames are then written relative to it. */
export function addOrganismDir(dir: string): void {
  organismDirs.add(dir.endsWith(sep) ? dir : `${dir}${sep}`);
}

/**
 * A handler's error as the journal keeps it (its stack, or its message): every path without the
 * server's folders, so that whoever reads the journal, a viewer too, sees where it failed and not where
 * the server keeps things. The organism's files relative to its folder (`handlers/calculator.ts:15:38`),
 * the engine's own under `@organism/engine/`, a package's from `node_modules/` on.
 */
export function journalStack(err: unknown): string {
  return withoutServerFolders(err instanceof Error ? (err.stack ?? err.message) : String(err));
}

export function withoutServerFolders(text: string): string {
  // A handler's module is imported afresh at each reload under `?v=<its hash>`: that is no part of its name.
  let out = text.replace(/(\.[cm]?[jt]sx?)\?v=[0-9a-f]+(?=:\d)/g, '$1');
  out = out.replace(/(?:file:\/\/)?(?:\/[^\s/():]+)*\/node_modules\//g, 'node_modules/');
  // The longest first: an organism inside another's folder keeps its own name.
  for (const dir of [...organismDirs].sort((a, b) => b.length - a.length))
    out = out.replaceAll(`file://${dir}`, '').replaceAll(dir, '');
  return out
    .replaceAll(`file://${ENGINE_DIR}`, '@organism/engine/')
    .replaceAll(ENGINE_DIR, '@organism/engine/');
}
