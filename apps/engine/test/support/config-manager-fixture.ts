import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, expect } from 'vitest';
import type { Problem } from '@organism/shared';
import { ConfigManager } from '../../src/lifecycle/config-manager.ts';
import type { ConfigManagerDeps } from '../../src/lifecycle/config-manager.ts';
import { loadOrganism } from '../../src/lifecycle/organism-loader.ts';
import type { LoadedOrganism } from '../../src/lifecycle/organism-loader.ts';

// A small organism written into a temp dir: three schemas, two dependency-free handler modules.
const FILES: Record<string, string> = {
  'schemas/greeting.xsd': xsd('greeting'),
  'schemas/order.xsd': xsd('order'),
  'schemas/audit.xsd': xsd('audit'),
  'schemas/broken.xsd': [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">',
    '  <xs:element name="broken" type="xs:nosuchtype"/>',
    '</xs:schema>',
  ].join('\n'),
  // A greeting of at most 3 characters: what "hi" passes and "hello" does not.
  'schemas/short-greeting.xsd': `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="greeting">
    <xs:simpleType><xs:restriction base="xs:string"><xs:maxLength value="3"/></xs:restriction></xs:simpleType>
  </xs:element>
</xs:schema>
`,
  'handlers/greeter.ts': `export const greet = (): string => '<greeting>hi</greeting>';\n`,
  'handlers/work.ts': `export function take(): void {}\nexport function audit(): void {}\n`,
};

export const GREETER = `  - name: greeter
    description: Greets.
    payload: { schema: schemas/greeting.xsd }
    handler: ./handlers/greeter.ts#greet
`;
export const ORDERS = `  - name: orders
    description: Takes orders.
    payload: { schema: schemas/order.xsd }
    handler: ./handlers/work.ts#take
`;
export const AUDIT = `  - name: audit
    description: Keeps an audit trail.
    payload: { schema: schemas/audit.xsd }
    handler: ./handlers/work.ts#audit
`;
export const ORIGINAL = `name: live\nlisteners:\n${GREETER}${ORDERS}`;
// audit added, orders removed, greeter's description and timeout changed.
export const NEXT = `name: live\nlisteners:\n${GREETER.replace('Greets.', 'Greets warmly.')}    timeout: 5s\n${AUDIT}`;

function xsd(root: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="${root}" type="xs:string"/>
</xs:schema>
`;
}

export interface Fixture {
  dir: string;
  file: string;
  manager: ConfigManager;
  initial: LoadedOrganism;
  running: () => LoadedOrganism;
  swaps: LoadedOrganism[];
  events: { added: string[]; removed: string[]; updated: string[] }[];
  unfinished: Map<string, number>;
  recent: Map<string, { id: string; payloadXml: string }[]>;
}

/** The fixture of the test running now (a live binding: each test gets a fresh one). */
export let f: Fixture;

/** A fresh organism and ConfigManager for each test of the calling file. */
export function useConfigManager(): void {
  beforeEach(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'config-manager-'));
    for (const [path, text] of Object.entries(FILES)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const file = join(dir, 'organism.yaml');
    writeFileSync(file, ORIGINAL);
    const loaded = await loadOrganism(file);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    let running = loaded.organism;
    const swaps: LoadedOrganism[] = [];
    const events: Fixture['events'] = [];
    const unfinished = new Map<string, number>();
    const recent = new Map<string, { id: string; payloadXml: string }[]>();
    const deps: ConfigManagerDeps = {
      file,
      current: () => running.config,
      swap: (next) => {
        const previous = running;
        running = next;
        swaps.push(next);
        return previous;
      },
      unfinishedFor: (listener) => Promise.resolve(unfinished.get(listener) ?? 0),
      recentPayloads: (listener, limit) => Promise.resolve((recent.get(listener) ?? []).slice(0, limit)),
      emitReload: (e) => events.push(e),
      disposeGraceMs: 20,
    };
    const manager = new ConfigManager(deps);
    f = {
      dir,
      file,
      manager,
      initial: loaded.organism,
      running: () => running,
      swaps,
      events,
      unfinished,
      recent,
    };
  });

  afterEach(() => {
    f.manager.close();
    f.running().registry.dispose();
    rmSync(f.dir, { recursive: true, force: true });
  });
}

export function names(o: LoadedOrganism): string[] {
  return o.config.listeners.map((l) => l.name);
}

export function expectNothingChanged(): void {
  expect(f.swaps).toEqual([]);
  expect(f.events).toEqual([]);
  expect(f.running()).toBe(f.initial);
}

export async function refused(yaml: string): Promise<Problem[]> {
  const result = await f.manager.validate(yaml);
  if (result.ok) throw new Error('expected validation to fail');
  expectNothingChanged();
  return result.problems;
}
