import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigManager } from '../../src/lifecycle/config-manager.ts';
import { loadOrganism } from '../../src/lifecycle/organism-loader.ts';
import type { LoadedOrganism } from '../../src/lifecycle/organism-loader.ts';

// config.validate and config.diff are operator procedures: they must check handler modules without running
// them. Each module here appends to ran.log and bumps a global counter at top level, and carries a large
// string so that every copy left in memory shows in the heap.
const COUNTER = '__organismValidateImports';
let dir: string;
let ranLog: string;
let running: LoadedOrganism;
let manager: ConfigManager;

const XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="greeting" type="xs:string"/>
</xs:schema>
`;

function countingModule(tag: string): string {
  return `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(ranLog)}, ${JSON.stringify(`${tag}\n`)});
globalThis.${COUNTER} = (globalThis.${COUNTER} ?? 0) + 1;
export const ballast = ${JSON.stringify('x'.repeat(256 * 1024))};
export function greet(): string { return '<greeting>hi</greeting>'; }
`;
}

const yaml = (handler: string, name = 'greeter'): string => `name: quiet
listeners:
  - name: ${name}
    description: Greets.
    payload: { schema: schemas/greeting.xsd }
    handler: ${handler}
`;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

function imports(): string[] {
  return existsSync(ranLog) ? readFileSync(ranLog, 'utf8').split('\n').filter(Boolean) : [];
}

beforeEach(async () => {
  // The apply test below imports the module for real, in this same process.
  delete (globalThis as Record<string, unknown>)[COUNTER];
  dir = mkdtempSync(join(tmpdir(), 'validate-no-import-'));
  ranLog = join(dir, 'ran.log');
  write('schemas/greeting.xsd', XSD);
  write('handlers/start.ts', `export function greet(): string { return '<greeting>hi</greeting>'; }\n`);
  write('handlers/counted.ts', countingModule('counted'));
  const file = join(dir, 'organism.yaml');
  writeFileSync(file, yaml('./handlers/start.ts#greet'));
  const loaded = await loadOrganism(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
  running = loaded.organism;
  manager = new ConfigManager({
    file,
    current: () => running.config,
    swap: (next) => {
      const previous = running;
      running = next;
      return previous;
    },
    unfinishedFor: () => Promise.resolve(0),
    emitReload: () => undefined,
    disposeGraceMs: 0,
  });
});

afterEach(() => {
  manager.close();
  running.registry.dispose();
  rmSync(dir, { recursive: true, force: true });
});

describe('config validate and diff check handlers without running them', () => {
  it('validates a sound handler without importing it', async () => {
    await expect(manager.validate(yaml('./handlers/counted.ts#greet'))).resolves.toEqual({
      ok: true,
      listeners: 1,
    });
    expect(imports()).toEqual([]);
  });

  it('diffs without importing the handler', async () => {
    const result = await manager.diff(yaml('./handlers/counted.ts#greet', 'welcomer'));
    expect(result).toMatchObject({ ok: true, diff: { added: ['welcomer'], removed: ['greeter'] } });
    expect(imports()).toEqual([]);
  });

  it('finds a missing export statically, listing what the module does export', async () => {
    const result = await manager.validate(yaml('./handlers/counted.ts#nope'));
    expect(result).toEqual({
      ok: false,
      problems: [expect.objectContaining({ file: 'organism.yaml', line: 6, path: 'listeners[0].handler' })],
    });
    if (!result.ok) expect(result.problems[0]?.message).toMatch(/no export "nope" \(it exports: .*greet/);
    expect(imports()).toEqual([]);
  });

  it('reports a module that does not parse, with its line, without running it', async () => {
    write('handlers/broken.ts', `import { appendFileSync } from 'node:fs';\nexport function greet( {\n`);
    const result = await manager.validate(yaml('./handlers/broken.ts#greet'));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems[0]).toMatchObject({ line: 6, path: 'listeners[0].handler' });
      expect(result.problems[0]?.message).toMatch(/handlers\/broken\.ts:\d+/);
    }
  });

  it('finds an export re-exported with export * from a sibling module', async () => {
    write('handlers/barrel.ts', `export * from './counted.ts';\n`);
    await expect(manager.validate(yaml('./handlers/barrel.ts#greet'))).resolves.toEqual({
      ok: true,
      listeners: 1,
    });
    expect(imports()).toEqual([]);
  });

  it('imports the handler once the config is applied', async () => {
    await manager.validate(yaml('./handlers/counted.ts#greet'));
    expect(imports()).toEqual([]);
    const applied = await manager.apply(yaml('./handlers/counted.ts#greet'), 'alice');
    expect(applied.ok).toBe(true);
    expect(imports()).toEqual(['counted']);
    expect(running.listeners[0]?.handler).toBeTypeOf('function');
  });

  it('checks and then imports a .mts handler, as the reference documents', async () => {
    write('handlers/counted.mts', countingModule('mts'));
    const text = yaml('./handlers/counted.mts#greet');
    await expect(manager.validate(text)).resolves.toEqual({ ok: true, listeners: 1 });
    expect((await manager.apply(text, 'alice')).ok).toBe(true);
    expect(imports()).toEqual(['mts']);
  });

  it('imports a module again on reload only when its file changed', async () => {
    const text = yaml('./handlers/counted.ts#greet');
    expect((await manager.apply(text, 'alice')).ok).toBe(true);
    expect((await manager.reload('alice')).ok).toBe(true);
    expect(imports()).toEqual(['counted']);
    write('handlers/counted.ts', countingModule('changed'));
    expect((await manager.reload('alice')).ok).toBe(true);
    expect(imports()).toEqual(['counted', 'changed']);
  });

  it('never imports the module over 200 validations and diffs, and the heap stays flat', async () => {
    const gc = exposeGc();
    const text = yaml('./handlers/counted.ts#greet');
    // Warm up whatever the check itself loads once (the parser service, caches) before measuring.
    for (let i = 0; i < 5; i++) await manager.validate(text);
    gc();
    const before = process.memoryUsage().heapUsed;
    for (let i = 0; i < 100; i++) {
      expect((await manager.validate(text)).ok).toBe(true);
      expect((await manager.diff(text)).ok).toBe(true);
    }
    gc();
    const growth = process.memoryUsage().heapUsed - before;
    expect(imports()).toEqual([]);
    expect((globalThis as Record<string, unknown>)[COUNTER]).toBeUndefined();
    // 200 imported copies would hold 200 × 256 KiB of string alone; a flat heap moves by well under that.
    expect(growth).toBeLessThan(8 * 1024 * 1024);
    // 200 static checks: seconds alone, several times that beside the rest of the suite on 2 cores.
  }, 90_000);
});

function exposeGc(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
