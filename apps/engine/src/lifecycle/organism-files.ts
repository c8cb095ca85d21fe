import { lstat, mkdir, readdir } from 'node:fs/promises';
import { dirname, extname, join, relative, resolve, sep } from 'node:path';
import { EngineError, MAX_ORGANISM_FILE_CHARS } from '@organism/shared';
import type { Problem, UploadOrganismFileInput } from '@organism/shared';
import { HANDLER_EXTENSIONS } from '../config/index.ts';
import { isInsideFolder } from '../fs/is-inside-folder.ts';
import { XsdRegistry } from '../xml/index.ts';
import { writeFileAtomic } from './atomic-write.ts';
import { readExports } from './inspect-handler.ts';

/** An XSD in the organism folder: the roots a listener may pick, or why it does not compile. */
export interface SchemaFileInfo {
  /** Relative to the organism folder, with `/`. */
  path: string;
  targetNamespace: string;
  /** Global elements in Clark notation (`{ns}local`, or `local` without a namespace). */
  globalElements: string[];
  problems: Problem[];
}

/** A handler module in the organism folder and its exports, read without running it. */
export interface HandlerFileInfo {
  path: string;
  exports: string[];
  /** False when a name not listed may still be exported (CommonJS, `export *` from a package). */
  complete: boolean;
  /** Why the module does not parse. */
  problem?: string;
}

export interface OrganismFiles {
  schemas: SchemaFileInfo[];
  handlers: HandlerFileInfo[];
  /** More files than are listed: the walk stopped at its limit. */
  truncated: boolean;
}

export type UploadResult =
  | { kind: 'xsd'; path: string; globalElements: string[] }
  | { kind: 'handler'; path: string; exports: string[] };

const MAX_FILES = 500;
const MAX_DEPTH = 8;
const SKIP = (name: string) => name.startsWith('.') || name === 'node_modules';

/**
 * The XSDs (compiled, to list their global elements) and handler modules (parsed, to list their exports)
 * under the organism folder; hidden folders, node_modules and symlinks are not walked.
 */
export async function listOrganismFiles(baseDir: string): Promise<OrganismFiles> {
  const found: string[] = [];
  let truncated = false;
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (SKIP(e.name)) continue;
      if (found.length >= MAX_FILES) {
        truncated = true;
        return;
      }
      const path = join(dir, e.name);
      if (e.isDirectory() && depth < MAX_DEPTH) await walk(path, depth + 1);
      else if (e.isFile() && kindOf(e.name)) found.push(path);
    }
  };
  await walk(baseDir, 0);
  const rel = (p: string) => relative(baseDir, p).split(sep).join('/');
  const registry = new XsdRegistry(baseDir);
  try {
    const schemas = found
      .filter((p) => kindOf(p) === 'xsd')
      .map((p): SchemaFileInfo => {
        const compiled = registry.compile(p);
        return compiled.ok
          ? {
              path: rel(p),
              targetNamespace: compiled.schema.targetNamespace,
              globalElements: [...compiled.schema.globalElements],
              problems: [],
            }
          : {
              path: rel(p),
              targetNamespace: '',
              globalElements: [],
              problems: relativeFiles(compiled.problems, baseDir),
            };
      });
    const handlers = await Promise.all(
      found
        .filter((p) => kindOf(p) === 'handler')
        .map(async (p): Promise<HandlerFileInfo> => {
          const exports = await readExports(p, baseDir);
          return typeof exports === 'string'
            ? { path: rel(p), exports: [], complete: false, problem: exports }
            : { path: rel(p), exports: exports.names, complete: exports.complete };
        }),
    );
    return { schemas, handlers, truncated };
  } finally {
    registry.dispose();
  }
}

/**
 * Writes an uploaded XSD or handler module into the organism folder, atomically, once it is found sound:
 * the XSD compiles (with what it includes from the folder), the module parses. Refuses a path that leaves
 * the folder (symlinks resolved), a file already there unless `overwrite`, and anything over the limit.
 */
export async function writeOrganismFile(
  baseDir: string,
  input: Required<UploadOrganismFileInput>,
): Promise<UploadResult> {
  const at = (message: string): Problem[] => [{ path: 'path', message }];
  const target = resolve(baseDir, input.path);
  if (!isInsideFolder(baseDir, target))
    throw new EngineError('INPUT_INVALID', `${input.path} leads out of the organism folder`, {
      problems: at('leads out of the organism folder (through a symbolic link)'),
    });
  if (Buffer.byteLength(input.content) > MAX_ORGANISM_FILE_CHARS)
    throw new EngineError('PAYLOAD_TOO_LARGE', 'the file is over 512 KiB', {
      problems: [{ path: 'content', message: 'at most 512 KiB' }],
    });
  const existing = await lstat(target).catch(() => undefined);
  if (existing && !existing.isFile())
    throw new EngineError('INPUT_INVALID', `${input.path} is not a file`, { problems: at('is a folder') });
  if (existing && !input.overwrite)
    throw new EngineError('CONFLICT', `${input.path} already exists`, {
      problems: at('a file of that name exists: replace it, or choose another name'),
    });
  const result = await check(baseDir, target, input);
  await mkdir(dirname(target), { recursive: true });
  await writeFileAtomic(target, input.content);
  return result;
}

async function check(
  baseDir: string,
  target: string,
  input: { path: string; content: string },
): Promise<UploadResult> {
  if (kindOf(target) === 'xsd') {
    const registry = new XsdRegistry(baseDir, new Map([[target, Buffer.from(input.content)]]));
    try {
      const compiled = registry.compile(target);
      if (!compiled.ok)
        throw new EngineError('SCHEMA_COMPILE_ERROR', `${input.path} does not compile`, {
          problems: relativeFiles(compiled.problems, baseDir),
        });
      return { kind: 'xsd', path: input.path, globalElements: [...compiled.schema.globalElements] };
    } finally {
      registry.dispose();
    }
  }
  const exports = await readExports(target, baseDir, input.content);
  if (typeof exports === 'string')
    throw new EngineError('INPUT_INVALID', `${input.path} does not parse`, {
      problems: [{ path: 'content', message: exports }],
    });
  if (exports.complete && exports.names.length === 0)
    throw new EngineError('INPUT_INVALID', `${input.path} exports nothing`, {
      problems: [{ path: 'content', message: 'the module exports nothing a listener could run' }],
    });
  return { kind: 'handler', path: input.path, exports: exports.names };
}

function kindOf(name: string): 'xsd' | 'handler' | undefined {
  if (name.endsWith('.xsd')) return 'xsd';
  if (name.endsWith('.d.ts')) return undefined;
  return (HANDLER_EXTENSIONS as readonly string[]).includes(extname(name)) ? 'handler' : undefined;
}

function relativeFiles(problems: Problem[], baseDir: string): Problem[] {
  return problems.map((p) => (p.file ? { ...p, file: relative(baseDir, p.file).split(sep).join('/') } : p));
}
