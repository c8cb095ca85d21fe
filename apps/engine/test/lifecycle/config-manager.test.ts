import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Problem } from '@organism/shared';
import { ConfigHistoryError, ConfigManager } from '../../src/lifecycle/config-manager.ts';
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

const GREETER = `  - name: greeter
    description: Greets.
    payload: { schema: schemas/greeting.xsd }
    handler: ./handlers/greeter.ts#greet
`;
const ORDERS = `  - name: orders
    description: Takes orders.
    payload: { schema: schemas/order.xsd }
    handler: ./handlers/work.ts#take
`;
const AUDIT = `  - name: audit
    description: Keeps an audit trail.
    payload: { schema: schemas/audit.xsd }
    handler: ./handlers/work.ts#audit
`;
const ORIGINAL = `name: live\nlisteners:\n${GREETER}${ORDERS}`;
// audit added, orders removed, greeter's description and timeout changed.
const NEXT = `name: live\nlisteners:\n${GREETER.replace('Greets.', 'Greets warmly.')}    timeout: 5s\n${AUDIT}`;

function xsd(root: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="${root}" type="xs:string"/>
</xs:schema>
`;
}

interface Fixture {
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

let f: Fixture;

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

function names(o: LoadedOrganism): string[] {
  return o.config.listeners.map((l) => l.name);
}

function expectNothingChanged(): void {
  expect(f.swaps).toEqual([]);
  expect(f.events).toEqual([]);
  expect(f.running()).toBe(f.initial);
}

async function refused(yaml: string): Promise<Problem[]> {
  const result = await f.manager.validate(yaml);
  if (result.ok) throw new Error('expected validation to fail');
  expectNothingChanged();
  return result.problems;
}

describe('validate', () => {
  it('accepts a sound organism and counts its listeners without swapping anything', async () => {
    await expect(f.manager.validate(NEXT)).resolves.toEqual({ ok: true, listeners: 2 });
    expectNothingChanged();
  });

  it('reports broken YAML with its line and column', async () => {
    const problems = await refused(`name: live\nlisteners:\n  - name: [unclosed\n`);
    expect(problems[0]).toMatchObject({ file: 'organism.yaml', line: expect.any(Number) as number });
    expect(problems[0]?.column).toBeGreaterThan(0);
    expect(problems[0]?.message).toMatch(/invalid YAML/);
  });

  it('reports an XSD that does not compile, naming the schema file and its line', async () => {
    const broken = AUDIT.replace('audit.xsd', 'broken.xsd');
    const problems = await refused(`${ORIGINAL}${broken}`);
    expect(problems).toContainEqual(
      expect.objectContaining({ file: 'organism.yaml', line: 13, path: 'listeners[2].payload.schema' }),
    );
    expect(problems).toContainEqual(expect.objectContaining({ file: 'schemas/broken.xsd', line: 3 }));
  });

  it('reports a handler module without the named export at the handler line', async () => {
    const problems = await refused(ORIGINAL.replace('greeter.ts#greet', 'greeter.ts#nope'));
    expect(problems).toEqual([
      expect.objectContaining({ file: 'organism.yaml', line: 6, path: 'listeners[0].handler' }),
    ]);
    expect(problems[0]?.message).toMatch(/no export "nope" \(it exports: greet\)/);
  });

  it('reports an unknown key where it is written', async () => {
    const problems = await refused(ORIGINAL.replace('name: live\n', 'name: live\ncolour: blue\n'));
    expect(problems).toEqual([expect.objectContaining({ file: 'organism.yaml', line: 2 })]);
    expect(problems[0]?.message).toMatch(/colour/);
  });
});

describe('diff', () => {
  it('lists added, removed and changed listeners and the unfinished work of the removed ones', async () => {
    f.unfinished.set('orders', 4);
    const result = await f.manager.diff(NEXT);
    expect(result).toEqual({
      ok: true,
      diff: {
        added: ['audit'],
        removed: ['orders'],
        changed: [{ name: 'greeter', fields: ['description', 'timeoutMs'] }],
      },
      impact: [{ listener: 'orders', unfinished: 4 }],
      // No contract changed: no message is checked.
      contracts: [],
    });
    expectNothingChanged();
  });

  it("tries a changed contract on the listener's newest messages and says which it would refuse, and why", async () => {
    f.recent.set('greeter', [
      { id: 'm-hi', payloadXml: '<greeting>hi</greeting>' },
      { id: 'm-hello', payloadXml: '<greeting>hello</greeting>' },
      { id: 'm-order', payloadXml: '<order>one</order>' },
    ]);
    f.recent.set('orders', [
      { id: 'm-o', payloadXml: '<order>never checked: its contract is unchanged</order>' },
    ]);
    const stricter = ORIGINAL.replace('schemas/greeting.xsd', 'schemas/short-greeting.xsd');
    const result = await f.manager.diff(stricter);
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.diff.changed).toEqual([{ name: 'greeter', fields: ['payload.schema'] }]);
    const [greeter, ...others] = result.contracts;
    expect(others).toEqual([]);
    expect(greeter).toMatchObject({ listener: 'greeter', checked: 3, refused: 2 });
    expect(greeter?.examples.map((e) => e.id)).toEqual(['m-hello', 'm-order']);
    expect(greeter?.examples[0]?.problem).toMatch(/length/i);
    expect(greeter?.examples[1]?.problem).toContain('its root order is not one the new contract accepts');
    expectNothingChanged();
  });

  it('returns the problems of a config that does not load', async () => {
    const result = await f.manager.diff('name: live\nlisteners: 3\n');
    expect(result.ok).toBe(false);
    expectNothingChanged();
  });
});

describe('reload', () => {
  it('swaps in the file on disk and emits what was added, removed and updated', async () => {
    writeFileSync(f.file, NEXT);
    const change = { added: ['audit'], removed: ['orders'], updated: ['greeter'] };
    await expect(f.manager.reload('ops')).resolves.toEqual({ ok: true, ...change });
    expect(f.events).toEqual([change]);
    expect(f.swaps).toHaveLength(1);
    expect(names(f.running())).toEqual(['greeter', 'audit']);
    expect(f.running().listeners.map((l) => l.name)).toEqual(['greeter', 'audit']);
  });

  it('leaves the running organism in place when the file has any problem', async () => {
    writeFileSync(f.file, ORIGINAL.replace('greeter.ts#greet', 'greeter.ts#nope'));
    const result = await f.manager.reload('ops');
    expect(result.ok).toBe(false);
    expectNothingChanged();
    expect(names(f.running())).toEqual(['greeter', 'orders']);
  });

  // A handler module is imported under a URL versioned by its content, so changed code is loaded anew.
  it('runs changed handler code after a reload', async () => {
    writeFileSync(
      join(f.dir, 'handlers/greeter.ts'),
      `export const greet = (): string => '<greeting>bye</greeting>';\n`,
    );
    await f.manager.reload('ops');
    const greeter = f.running().listeners.find((l) => l.name === 'greeter');
    expect(await greeter?.handler('', {} as never)).toBe('<greeting>bye</greeting>');
  });

  it("frees the replaced organism's schemas only after the grace period", async () => {
    const dispose = vi.spyOn(f.initial.registry, 'dispose');
    writeFileSync(f.file, NEXT);
    await f.manager.reload('ops');
    expect(dispose).not.toHaveBeenCalled();
    await sleep(60);
    expect(dispose).toHaveBeenCalledOnce();
  });
});

describe('apply', () => {
  it('writes the new text by replacing the file and keeps the old text in history', async () => {
    const inode = statSync(f.file).ino;
    const result = await f.manager.apply(NEXT, 'alice', 'add audit');
    expect(result).toMatchObject({ ok: true, added: ['audit'], removed: ['orders'] });
    await expect(f.manager.read()).resolves.toBe(NEXT);
    expect(statSync(f.file).ino).not.toBe(inode);
    expect(readdirSync(f.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);

    const history = await f.manager.history();
    expect(history).toEqual([
      {
        id: expect.any(String) as string,
        at: expect.any(Number) as number,
        actor: 'alice',
        note: 'add audit',
        file: expect.any(String) as string,
        includes: [],
      },
    ]);
    const [entry] = history;
    expect(dirname(entry?.file ?? '')).toBe(join(f.dir, '.organism', 'config-history'));
    expect(readFileSync(entry?.file ?? '', 'utf8')).toBe(ORIGINAL);
    expect(existsSync(entry?.file.replace(/\.yaml$/, '.json') ?? '')).toBe(true);
    expect(names(f.running())).toEqual(['greeter', 'audit']);
  });

  it('writes nothing and records nothing when the text is invalid', async () => {
    const result = await f.manager.apply('name: live\nlisteners: 3\n', 'alice');
    expect(result.ok).toBe(false);
    expect(readFileSync(f.file, 'utf8')).toBe(ORIGINAL);
    await expect(f.manager.history()).resolves.toEqual([]);
    expectNothingChanged();
  });

  it('serializes concurrent applies: each saves the text the one before it wrote', async () => {
    const third = `${ORIGINAL}${AUDIT}`;
    const results = await Promise.all([
      f.manager.apply(NEXT, 'alice', 'first'),
      f.manager.apply(third, 'bob', 'second'),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, true]);
    expect(readFileSync(f.file, 'utf8')).toBe(third);
    expect(f.swaps.map(names)).toEqual([
      ['greeter', 'audit'],
      ['greeter', 'orders', 'audit'],
    ]);
    const history = await f.manager.history();
    expect(history.map((e) => e.note)).toEqual(['second', 'first']);
    expect(history.map((e) => readFileSync(e.file, 'utf8'))).toEqual([NEXT, ORIGINAL]);
  });
});

describe('rollback', () => {
  it('restores the text of a history entry and swaps it in', async () => {
    await f.manager.apply(NEXT, 'alice');
    const [entry] = await f.manager.history();
    const result = await f.manager.rollback(entry?.id ?? '', 'bob');
    expect(result).toEqual({ ok: true, added: ['orders'], removed: ['audit'], updated: ['greeter'] });
    expect(readFileSync(f.file, 'utf8')).toBe(ORIGINAL);
    expect(names(f.running())).toEqual(['greeter', 'orders']);
    const history = await f.manager.history();
    expect(history[0]).toMatchObject({ actor: 'bob', note: `rollback to ${entry?.id ?? ''}` });
    expect(readFileSync(history[0]?.file ?? '', 'utf8')).toBe(NEXT);
  });

  it('answers the text of a saved version, and NOT_FOUND for an unknown one', async () => {
    await f.manager.apply(NEXT, 'alice');
    const [entry] = await f.manager.history();
    await expect(f.manager.version(entry?.id ?? '')).resolves.toBe(ORIGINAL);
    await expect(f.manager.version('0badc0de')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('refuses an unknown entry with NOT_FOUND', async () => {
    await expect(f.manager.rollback('0badc0de', 'bob')).rejects.toBeInstanceOf(ConfigHistoryError);
    await expect(f.manager.rollback('0badc0de', 'bob')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expectNothingChanged();
  });
});

describe('included files', () => {
  const INCLUDING = `name: live\ninclude: [features/audit.yaml]\nlisteners:\n${GREETER}`;
  // The included file's paths resolve beside it: its schema and handler are one folder up.
  const auditFile = (description: string): string =>
    `listeners:\n${AUDIT.replace('Keeps an audit trail.', description).replace('schemas/', '../schemas/').replace('./handlers/', '../handlers/')}`;

  it('are reloaded with organism.yaml, kept in history with it, and restored by a rollback', async () => {
    mkdirSync(join(f.dir, 'features'));
    const included = join(f.dir, 'features/audit.yaml');
    writeFileSync(included, auditFile('First trail.'));
    expect(await f.manager.apply(INCLUDING, 'alice')).toEqual({
      ok: true,
      added: ['audit'],
      removed: ['orders'],
      updated: [],
    });
    expect(f.running().config.listeners.find((l) => l.name === 'audit')?.description).toBe('First trail.');

    // Edited on disk, taken by a reload; a second apply keeps both files as they were in its entry.
    writeFileSync(included, auditFile('Second trail.'));
    expect(await f.manager.reload('alice')).toMatchObject({ ok: true, updated: ['audit'] });
    await f.manager.apply(INCLUDING.replace('name: live', 'name: live2'), 'alice', 'renamed');
    const [entry] = await f.manager.history();
    expect(entry).toMatchObject({ note: 'renamed', includes: ['features/audit.yaml'] });
    expect(await f.manager.included(entry?.id ?? '')).toEqual([
      { file: 'features/audit.yaml', yaml: auditFile('Second trail.') },
    ]);

    // The included file changes again; rolling back to the entry writes back both files.
    writeFileSync(included, auditFile('Third trail.'));
    expect(await f.manager.rollback(entry?.id ?? '', 'bob')).toMatchObject({ ok: true });
    expect(readFileSync(f.file, 'utf8')).toBe(INCLUDING);
    expect(readFileSync(included, 'utf8')).toBe(auditFile('Second trail.'));
    expect(f.running().config.listeners.find((l) => l.name === 'audit')?.description).toBe('Second trail.');
  });

  it('report a problem in an included file at that file, and change nothing', async () => {
    mkdirSync(join(f.dir, 'features'));
    writeFileSync(
      join(f.dir, 'features/audit.yaml'),
      auditFile('Trail.').replace('../schemas/audit.xsd', '../schemas/broken.xsd'),
    );
    const result = await f.manager.apply(INCLUDING, 'alice');
    if (result.ok) throw new Error('expected problems');
    expect(result.problems[0]).toMatchObject({
      file: 'features/audit.yaml',
      line: 4,
      path: 'listeners[0].payload.schema',
      message: 'schema schemas/broken.xsd does not compile',
    });
    expectNothingChanged();
  });
});
