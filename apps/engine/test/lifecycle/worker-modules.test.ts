import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = join(dirname(fileURLToPath(import.meta.url)), '../../src');

// Imports that load a module at run time: not `import type` / `export type`, which TypeScript erases.
const IMPORT = /^\s*(?:import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Every package a module loads, following its relative imports through the engine's sources. */
function packagesLoadedBy(entry: string): { packages: Set<string>; files: Set<string> } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    const text = readFileSync(file, 'utf8');
    for (const re of [IMPORT, DYNAMIC])
      for (const [, spec] of text.matchAll(re)) {
        if (!spec) continue;
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
        else packages.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!);
      }
  };
  visit(join(SRC, entry));
  return { packages, files };
}

describe('the modules a worker thread loads', () => {
  // libxml2-wasm costs a thread about 170 MB (its compiled code and its memory). The journal's writer
  // thread and an isolated handler's worker never parse XML; only the intake workers do.
  it.each([
    ['the journal writer thread', 'journal/sqlite/writer-worker.ts'],
    ['an isolated handler worker', 'lifecycle/isolation/handler-worker.ts'],
    ["handlers' own import (@organism/engine/handler)", 'handler-kit.ts'],
  ])('%s does not load libxml2-wasm', (_, entry) => {
    const { packages, files } = packagesLoadedBy(entry);
    expect(packages).not.toContain('libxml2-wasm');
    expect([...files].map((f) => f.slice(SRC.length + 1))).not.toContain('xml/index.ts');
  });

  it('the intake worker does (the check sees through the imports)', () => {
    expect(packagesLoadedBy('pump/intake/intake-worker.ts').packages).toContain('libxml2-wasm');
  });
});
