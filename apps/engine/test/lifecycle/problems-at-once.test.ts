import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { checkOrganismText, loadOrganism } from '../../src/lifecycle/organism-loader.ts';

// A configuration with a problem of the first stage (a value of the wrong type) and problems only the
// later checks find (an XSD that does not compile, a root the XSD lacks, a filter that is no XPath, a
// handler without its export): every one is reported at once, with its line, so an editor is not told of
// them one stage at a time.
let dir: string;

const XSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="greeting" type="xs:string"/></xs:schema>`;

const YAML = `name: many
pump:
  maxDepth: deep
listeners:
  - name: typo
    description: Its handler's export is misspelt.
    payload: { schema: schemas/greeting.xsd }
    handler: handlers/greet.ts#greett
  - name: broken
    description: Its XSD does not compile.
    payload: { schema: schemas/broken.xsd }
    handler: handlers/greet.ts#greet
  - name: rooted
    description: Asks for a root its XSD has not.
    payload: { schema: schemas/greeting.xsd, root: farewell }
    filter: /greeting[
    handler: handlers/greet.ts#greet
  - name: own
    description: Has a problem of its own, so its handler is not looked into.
    payload: { schema: schemas/greeting.xsd }
    handler: handlers/greet.ts#gone
    concurrency: 0
  - name: fine
    description: Nothing wrong.
    payload: { schema: schemas/greeting.xsd }
    handler: handlers/greet.ts#greet
`;

function write(path: string, text: string): void {
  mkdirSync(dirname(join(dir, path)), { recursive: true });
  writeFileSync(join(dir, path), text);
}

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'problems-at-once-'));
  write('schemas/greeting.xsd', XSD);
  write(
    'schemas/broken.xsd',
    '<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:element name="x" type="nope"/></xs:schema>',
  );
  write('handlers/greet.ts', `export function greet(): string { return '<greeting>hi</greeting>'; }\n`);
  write('organism.yaml', YAML);
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('reports the later checks of the sound listeners with the first stage’s problems, each at its line', async () => {
  const checked = await checkOrganismText(YAML, join(dir, 'organism.yaml'));
  expect(checked.ok).toBe(false);
  if (checked.ok) return;
  const where = checked.problems.filter((p) => p.file === 'organism.yaml').map((p) => `${p.line} ${p.path}`);
  expect(where).toEqual([
    '3 pump.maxDepth',
    '8 listeners[0].handler',
    '11 listeners[1].payload.schema',
    '15 listeners[2].payload.root',
    '16 listeners[2].filter',
    '22 listeners[3].concurrency',
  ]);
  const said = checked.problems.map((p) => p.message).join('\n');
  expect(said).toMatch(/has no export "greett" \(it exports: greet\)/);
  expect(said).toMatch(/schema schemas\/broken\.xsd does not compile/);
  expect(said).toMatch(/root farewell is not a global element/);
  // The XSD's own problem, in its file.
  expect(checked.problems.some((p) => p.file === 'schemas/broken.xsd')).toBe(true);
  // A listener with a problem of its own is not looked into further: its missing export is not said.
  expect(said).not.toMatch(/gone/);
  // The answer is the problems alone (it goes to API clients): nothing of the server's folders.
  expect(Object.keys(checked).sort()).toEqual(['ok', 'problems']);
});

it('answers the problems alone when no listener is sound', async () => {
  const checked = await checkOrganismText(
    'name: none\npump:\n  maxDepth: deep\n',
    join(dir, 'organism.yaml'),
  );
  expect(Object.keys(checked).sort()).toEqual(['ok', 'problems']);
  expect(checked.ok ? [] : checked.problems.map((p) => p.path)).toEqual(['listeners', 'pump.maxDepth']);
});

it('does the same for a configuration loaded from disk (organism check, a start, a reload)', async () => {
  const loaded = await loadOrganism(join(dir, 'organism.yaml'));
  expect(loaded.ok).toBe(false);
  if (loaded.ok) return;
  expect(loaded.problems.map((p) => p.path)).toEqual(
    expect.arrayContaining(['pump.maxDepth', 'listeners[0].handler', 'listeners[2].filter']),
  );
});

it('says where a handler that does not parse is broken, whichever way the organism is read', async () => {
  write('package.json', '{ "type": "module" }\n');
  write('handlers/typo.js', 'export function greet() {\n  return <greeting>hi</greeting>;\n}\n');
  const yaml = `name: one\nlisteners:\n  - name: typo\n    description: Its module does not parse.\n    payload: { schema: schemas/greeting.xsd }\n    handler: handlers/typo.js#greet\n`;
  write('organism.yaml', yaml);
  // Loading it (a start, a reload) imports it; checking it reads it without running it: the same words.
  const loaded = await loadOrganism(join(dir, 'organism.yaml'));
  const checked = await checkOrganismText(yaml, join(dir, 'organism.yaml'));
  const said = [loaded, checked].map((r) => (r.ok ? 'ok' : r.problems.map((p) => p.message).join('\n')));
  expect(said[0]).toMatch(
    /^handler module handlers\/typo\.js#greet does not parse: handlers\/typo\.js:2:\d+: /,
  );
  expect(said[0]).not.toContain('"type": "module"');
  expect(said[1]).toBe(said[0]);
});
