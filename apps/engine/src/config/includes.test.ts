import { cpSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatProblem } from '@organism/shared';
import { loadConfigFile, parseConfig } from './load-config.ts';
import type { ConfigResult } from './load-config.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** An organism folder with the fixtures' schemas and handlers at its root and in features/orders/. */
function organism(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'organism-include-'));
  for (const sub of ['', 'features/orders/'])
    for (const part of ['schemas', 'handlers'])
      cpSync(join(FIXTURES, part), join(dir, sub, part), { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const MAIN = (extra = '') => `name: shop
include:
  - features/orders/orders.yaml
${extra}listeners:
  - name: greeter
    description: Greets.
    payload: { schema: schemas/greeting.xsd }
    handler: ./handlers/greeter.ts#greet
    peers: [orders]
`;

const ORDERS = `# The orders feature: its listener, schema and handler live in this folder.
listeners:
  - name: orders
    description: Takes orders.
    payload:
      schema: schemas/order.xsd
    handler: ./handlers/orders.ts#take
    peers: [greeter]
extensions:
  - ../../extensions/audit.ts
`;

const reported = (r: ConfigResult): string[] => {
  if (r.ok) throw new Error('expected problems, but the config is valid');
  return r.problems.map(formatProblem);
};

describe('include', () => {
  it('merges an included file’s listeners and extensions, its paths resolving beside it', async () => {
    const dir = organism({
      'organism.yaml': MAIN(),
      'features/orders/orders.yaml': ORDERS,
      'extensions/audit.ts': '',
    });
    const r = await loadConfigFile(join(dir, 'organism.yaml'));
    if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
    expect(r.config.listeners.map((l) => l.name)).toEqual(['greeter', 'orders']);
    const orders = r.config.listeners[1];
    expect(orders?.payload.schema).toBe(join(dir, 'features/orders/schemas/order.xsd'));
    expect(orders?.handler).toMatchObject({
      module: join(dir, 'features/orders/handlers/orders.ts'),
      exportName: 'take',
      ref: 'features/orders/handlers/orders.ts#take',
    });
    expect(orders?.peers).toEqual(['greeter']);
    expect(r.config.extensions).toEqual([join(dir, 'extensions/audit.ts')]);
    expect(r.config.includes).toEqual([join(dir, 'features/orders/orders.yaml')]);
    expect(r.source.included).toEqual([{ file: join(dir, 'features/orders/orders.yaml'), text: ORDERS }]);
    // Later layers find an included listener's keys in its own file.
    expect(r.source.place(['listeners', 1, 'payload', 'schema'])).toEqual({
      file: 'features/orders/orders.yaml',
      path: ['listeners', 0, 'payload', 'schema'],
      position: { line: 6, column: 15 },
    });
    expect(r.source.place(['listeners', 0, 'name']).file).toBe('organism.yaml');
  });

  it('takes the text of an included file from `includes` instead of the disk (a rollback)', () => {
    const dir = organism({ 'features/orders/orders.yaml': ORDERS.replace('Takes orders.', 'On disk.') });
    const file = join(dir, 'features/orders/orders.yaml');
    const r = parseConfig(MAIN(), join(dir, 'organism.yaml'), {
      includes: new Map([[file, ORDERS.replace('  - ../../extensions/audit.ts\n', '')]]),
    });
    if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
    expect(r.config.listeners[1]?.description).toBe('Takes orders.');
  });

  it('reports problems inside an included file at its own file, line and key path', () => {
    const broken = `listeners:
  - name: orders
    description: Takes orders.
    payload: { schema: schemas/missing.xsd }
    handler: ./handlers/orders.ts#take
    tiemout: 5s
  - name: greeter
    description: A second greeter.
    payload: { schema: schemas/greeting.xsd }
    handler: ./handlers/nowhere.ts
`;
    const dir = organism({ 'features/orders/orders.yaml': broken });
    expect(reported(parseConfig(MAIN(), join(dir, 'organism.yaml')))).toEqual([
      'features/orders/orders.yaml:4:24 listeners[0].payload.schema: file not found: features/orders/schemas/missing.xsd',
      'features/orders/orders.yaml:6:14 listeners[0].tiemout: unknown key "tiemout"; did you mean "timeout"?',
      'features/orders/orders.yaml:7:11 listeners[1].name: duplicate listener name "greeter" (also organism.yaml:5:11 listeners[0].name)',
      'features/orders/orders.yaml:10:14 listeners[1].handler: handler module not found: features/orders/handlers/nowhere.ts',
    ]);
  });

  it('refuses include entries that are outside, not YAML, missing, repeated or itself, at their line', () => {
    const dir = organism({
      'features/orders/orders.yaml': ORDERS.replace(/ {4}peers: \[greeter\]\n|extensions:[\s\S]*/g, ''),
    });
    const text = `name: shop
include:
  - ../elsewhere.yaml
  - features/orders/handlers/orders.ts
  - features/none.yaml
  - features/orders/orders.yaml
  - ./features/orders/orders.yaml
  - organism.yaml
listeners: []
`;
    expect(reported(parseConfig(text, join(dir, 'organism.yaml')))).toEqual([
      `organism.yaml:3:5 include[0]: ../elsewhere.yaml is outside the organism folder ${dir}`,
      'organism.yaml:4:5 include[1]: an included file must end in .yaml or .yml: features/orders/handlers/orders.ts',
      'organism.yaml:5:5 include[2]: file not found: features/none.yaml',
      'organism.yaml:7:5 include[4]: ./features/orders/orders.yaml is already included (include[3])',
      'organism.yaml:8:5 include[5]: organism.yaml cannot include itself',
    ]);
  });

  it('allows in an included file only listeners and extensions, and reports its YAML errors', () => {
    const dir = organism({
      'features/a.yaml': 'name: sneaky\ninclude: [b.yaml]\nlistener: []\n',
      'features/b.yaml': 'listeners:\n  - name: [unclosed\n',
      'features/c.yaml': '- just\n- a list\n',
      'features/d.yaml': 'listeners: orders\n',
    });
    const text = `name: shop
include: [features/a.yaml, features/b.yaml, features/c.yaml, features/d.yaml]
listeners: []
`;
    expect(reported(parseConfig(text, join(dir, 'organism.yaml')))).toEqual([
      'features/a.yaml:1:7 name: an included file holds only listeners and extensions, not "name"',
      'features/a.yaml:2:10 include: an included file cannot include others: list every file in organism.yaml',
      'features/a.yaml:3:11 listener: an included file holds only listeners and extensions, not "listener"; did you mean "listeners"?',
      'features/b.yaml:2:11: invalid YAML: this [ is never closed: its ] is missing before the end of the file',
      'features/c.yaml:1:1: an included file must be a map of keys (listeners, extensions)',
      'features/d.yaml:1:12 listeners: expected a list, got text "orders"',
    ]);
  });

  it('says only that an included file could not be read, not what its missing listeners then break', () => {
    const dir = organism({ 'features/orders/orders.yaml': 'listeners:\n  - name: [unclosed\n' });
    // greeter's peer is in the file that did not load; organism.yaml has no listeners of its own.
    expect(reported(parseConfig(MAIN(), join(dir, 'organism.yaml')))).toEqual([
      'features/orders/orders.yaml:2:11: invalid YAML: this [ is never closed: its ] is missing before the end of the file',
    ]);
    const alone = 'name: shop\ninclude: [features/none.yaml]\n';
    expect(reported(parseConfig(alone, join(dir, 'organism.yaml')))).toEqual([
      'organism.yaml:2:11 include[0]: file not found: features/none.yaml',
    ]);
    // A peer naming no listener anywhere is still said once every file is read.
    const fine = organism({ 'features/orders/orders.yaml': ORDERS.replace(/extensions:[\s\S]*/, '') });
    expect(
      reported(
        parseConfig(MAIN().replace('peers: [orders]', 'peers: [ordres]'), join(fine, 'organism.yaml')),
      ),
    ).toEqual(['organism.yaml:9:13 listeners[0].peers[0]: no listener named "ordres"']);
  });

  it('lets organism.yaml hold no listeners of its own when its included files have them', () => {
    const dir = organism({
      'features/orders/orders.yaml': ORDERS.replace(/ {4}peers: \[greeter\]\n|extensions:[\s\S]*/g, ''),
    });
    const r = parseConfig('name: shop\ninclude: [features/orders/orders.yaml]\n', join(dir, 'organism.yaml'));
    if (!r.ok) throw new Error(r.problems.map(formatProblem).join('\n'));
    expect(r.config.listeners.map((l) => l.name)).toEqual(['orders']);
  });
});
