import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { isInsideFolder } from '../fs/is-inside-folder.ts';
import type { KeyProblem } from './describe-issue.ts';
import {
  handlerAlternatives,
  hasHandlerExtension,
  HANDLER_EXTENSIONS,
  parseHandlerRef,
} from './handler-ref.ts';

type Raw = Record<string, unknown>;

const EXTENSION_LIST = `${HANDLER_EXTENSIONS.slice(0, -1).join(', ')} or ${HANDLER_EXTENSIONS.at(-1) ?? ''}`;

/**
 * The checks a schema cannot make: unique names, peers that exist, and the schema and handler files on
 * disk, which must lie inside the organism folder `baseDir` (symlinks resolved). They read the raw YAML
 * data so they still run (and report) when the schema found other problems.
 */
export function checkListeners(raw: unknown, baseDir: string): KeyProblem[] {
  const listeners = isRecord(raw) && Array.isArray(raw['listeners']) ? raw['listeners'] : [];
  const problems: KeyProblem[] = [];
  const firstIndex = new Map<string, number>();
  listeners.forEach((l: unknown, i) => {
    if (!isRecord(l) || typeof l['name'] !== 'string') return;
    const first = firstIndex.get(l['name']);
    if (first === undefined) firstIndex.set(l['name'], i);
    else
      problems.push({
        path: ['listeners', i, 'name'],
        message: `duplicate listener name "${l['name']}"`,
        also: ['listeners', first, 'name'],
      });
  });
  listeners.forEach((l: unknown, i) => {
    if (!isRecord(l)) return;
    const at = (...path: (string | number)[]): (string | number)[] => ['listeners', i, ...path];
    const listener =
      typeof l['name'] === 'string' ? `listener ${JSON.stringify(l['name'])}` : `listeners[${i}]`;
    const outside = (what: string): string =>
      `${listener}: ${what} is outside the organism folder ${baseDir} (symlinks resolved)`;
    const payload = l['payload'];
    const schema = isRecord(payload) ? payload['schema'] : undefined;
    // Trimmed as the schema trims it, so this checks the very path the config will carry.
    if (typeof schema === 'string' && schema.trim()) {
      const message = !isInsideFolder(baseDir, schema.trim())
        ? outside(`schema ${schema.trim()}`)
        : isFolder(resolve(baseDir, schema.trim()))
          ? `is a folder, not an XSD file: ${schema}`
          : !isFile(resolve(baseDir, schema.trim()))
            ? `file not found: ${schema}`
            : undefined;
      if (message) problems.push({ path: at('payload', 'schema'), message });
    }
    const handler = typeof l['handler'] === 'string' ? parseHandlerRef(l['handler']) : undefined;
    const handlerMessage =
      handler &&
      (isInsideFolder(baseDir, handler.modulePath)
        ? handlerProblem(handler.modulePath, baseDir)
        : outside(`handler module ${handler.modulePath}`));
    if (handlerMessage) problems.push({ path: at('handler'), message: handlerMessage });
    const peers = Array.isArray(l['peers']) ? (l['peers'] as unknown[]) : [];
    peers.forEach((peer, j) => {
      if (typeof peer !== 'string') return;
      if (peer === l['name'])
        problems.push({ path: at('peers', j), message: 'a listener cannot be its own peer' });
      else if (!firstIndex.has(peer))
        problems.push({ path: at('peers', j), message: `no listener named "${peer}"` });
    });
  });
  return problems;
}

/** Why the handler module cannot be used, naming the file that does exist when only the extension is off. */
function handlerProblem(modulePath: string, baseDir: string): string | undefined {
  const exists = isFile(resolve(baseDir, modulePath));
  if (exists && hasHandlerExtension(modulePath)) return undefined;
  const others = handlerAlternatives(modulePath).filter((p) => isFile(resolve(baseDir, p)));
  const hint =
    others.length > 0 ? ` (${others.join(' and ')} ${others.length > 1 ? 'exist' : 'exists'})` : '';
  if (exists) return `handler module must end in ${EXTENSION_LIST}: ${modulePath}${hint}`;
  if (isFolder(resolve(baseDir, modulePath))) return `handler module is a folder, not a file: ${modulePath}`;
  return `handler module not found: ${modulePath}${hint}`;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() ?? false;
  } catch {
    return false;
  }
}

function isFile(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    // A path through a file ("a.xsd/b") or one we may not read is, for our purposes, not there.
    return false;
  }
}

function isRecord(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
