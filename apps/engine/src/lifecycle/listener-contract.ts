import { readFile } from 'node:fs/promises';
import { basename, dirname, relative } from 'node:path';
import type { Problem } from '@organism/shared';
import type { Listener } from '../pump/listener.ts';
import { elementTree, exampleInstance } from '../xml/index.ts';
import type { ElementTreeOutcome } from '../xml/index.ts';

/**
 * Where a contract's files may be read from: the organism folder, or for the engine's own `system.*`
 * listeners the folder of their schema, inside the engine.
 */
function schemaRoot(l: Listener, baseDir: string): string {
  return l.name.startsWith('system.') ? dirname(l.schema.file) : baseDir;
}

/** The XSD files behind a listener's contract, main file first, paths relative to the organism. */
export function contractFiles(l: Listener, baseDir: string): Promise<{ file: string; text: string }[]> {
  // The engine's own listeners' contract lives in the engine, not in the organism: named by its file alone,
  // as listener info names it, so no path of the engine's installation reaches the console.
  const system = l.name.startsWith('system.');
  return Promise.all(
    l.schema.files.map(async (f) => ({
      file: system ? basename(f) : relative(baseDir, f),
      text: await readFile(f, 'utf8'),
    })),
  );
}

/** An example payload generated from the contract: of `root`, or of the listener's request root. */
export function contractExample(
  l: Listener,
  baseDir: string,
  root?: string,
): { ok: true; root: string; xml: string } | { ok: false; problems: Problem[] } {
  const wanted = root ?? l.roots[0] ?? '';
  const out = exampleInstance(l.schema.file, wanted, schemaRoot(l, baseDir));
  return out.ok ? { ok: true, root: wanted, xml: out.xml } : out;
}

/** The element tree of the contract: of `root` (Clark name), or of every root the listener accepts. */
export function contractElements(l: Listener, baseDir: string, root?: string): ElementTreeOutcome {
  return elementTree(l.schema.file, root ? [root] : l.roots, schemaRoot(l, baseDir));
}
