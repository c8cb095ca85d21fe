import { readFile } from 'node:fs/promises';
import { basename, dirname, relative, sep } from 'node:path';
import type { ElementNode, Problem } from '@organism/shared';
import type { Listener } from '../pump/listener.ts';
import { elementTree, exampleInstance } from '../xml/index.ts';

/**
 * Why a contract query has no answer: a root its XSD does not declare (`unknownRoot`, the caller's
 * mistake), or a contract that cannot be read. Paths in the problems are the organism's, as shown to a
 * viewer: relative to its folder.
 */
export interface ContractRefusal {
  ok: false;
  problems: Problem[];
  unknownRoot: boolean;
}

/**
 * Where a contract's files may be read from: the organism folder, or for the engine's own `system.*`
 * listeners the folder of their schema, inside the engine.
 */
function schemaRoot(l: Listener, baseDir: string): string {
  return l.name.startsWith('system.') ? dirname(l.schema.file) : baseDir;
}

/**
 * A contract file's path as a viewer may see it: relative to the organism folder; for the engine's own
 * listeners, whose contract lives in the engine, the file's name alone, so no path of the engine's
 * installation reaches the console.
 */
function shownPath(l: Listener, baseDir: string, file: string): string {
  return l.name.startsWith('system.') ? basename(file) : relative(baseDir, file);
}

/** The XSD files behind a listener's contract, main file first, paths relative to the organism. */
export function contractFiles(l: Listener, baseDir: string): Promise<{ file: string; text: string }[]> {
  return Promise.all(
    l.schema.files.map(async (f) => ({ file: shownPath(l, baseDir, f), text: await readFile(f, 'utf8') })),
  );
}

/**
 * An example payload generated from the contract: of `root` (Clark name, one of its global elements), or
 * of the listener's request root.
 */
export function contractExample(
  l: Listener,
  baseDir: string,
  root?: string,
): { ok: true; root: string; xml: string } | ContractRefusal {
  const wanted = root ?? l.roots[0] ?? '';
  const unknown = unknownRoot(l, baseDir, wanted);
  if (unknown) return unknown;
  const out = exampleInstance(l.schema.file, wanted, schemaRoot(l, baseDir));
  return out.ok ? { ok: true, root: wanted, xml: out.xml } : refusal(l, baseDir, out.problems);
}

/** The element tree of the contract: of `root` (Clark name), or of every root the listener accepts. */
export function contractElements(
  l: Listener,
  baseDir: string,
  root?: string,
): { ok: true; roots: ElementNode[] } | ContractRefusal {
  const out = elementTree(l.schema.file, root ? [root] : l.roots, schemaRoot(l, baseDir));
  if (out.ok) return out;
  return out.unknownRoot && root !== undefined ? rootRefusal(l, root) : refusal(l, baseDir, out.problems);
}

/** The refusal of `root` when the contract declares no such global element (its request roots are). */
function unknownRoot(l: Listener, baseDir: string, root: string): ContractRefusal | undefined {
  if (l.roots.includes(root)) return undefined;
  const tree = elementTree(l.schema.file, [root], schemaRoot(l, baseDir));
  return !tree.ok && tree.unknownRoot ? rootRefusal(l, root) : undefined;
}

function rootRefusal(l: Listener, root: string): ContractRefusal {
  const accepted = l.roots.length > 0 ? `it accepts ${l.roots.join(', ')}` : 'it accepts no root';
  const message = `${l.name}'s contract declares no element ${JSON.stringify(root)}; ${accepted}`;
  return { ok: false, problems: [{ path: 'root', message }], unknownRoot: true };
}

/** `problems` with every path in them (a problem's file, a path quoted in its text) made the viewer's. */
function refusal(l: Listener, baseDir: string, problems: Problem[]): ContractRefusal {
  const folder = schemaRoot(l, baseDir) + sep;
  return {
    ok: false,
    unknownRoot: false,
    problems: problems.map((p) => ({
      ...p,
      ...(p.file !== undefined ? { file: shownPath(l, baseDir, p.file) } : {}),
      message: p.message.split(folder).join(''),
    })),
  };
}
