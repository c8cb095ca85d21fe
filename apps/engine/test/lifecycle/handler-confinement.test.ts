import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Problem } from '@organism/shared';
import { loadOrganism } from '../../src/lifecycle/organism-loader.ts';

// Layout: <tmp>/org holds organism.yaml; <tmp>/outside holds files the organism must not reach. Every
// module here appends to <tmp>/ran.log at top level, so a test can tell whether it was ever imported.
let tmp: string;
let org: string;
let ranLog: string;

const XSD = `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:element name="greeting" type="xs:string"/>
</xs:schema>
`;

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function loggingModule(tag: string): string {
  return `import { appendFileSync } from 'node:fs';
appendFileSync(${JSON.stringify(ranLog)}, ${JSON.stringify(`${tag}\n`)});
export function greet() { return '<greeting>hi</greeting>'; }
`;
}

function organism(handler: string, schema = 'schemas/greeting.xsd'): string {
  return `name: confined
listeners:
  - name: greeter
    description: Greets.
    payload: { schema: ${JSON.stringify(schema)} }
    handler: ${JSON.stringify(handler)}
`;
}

async function problemsOf(yaml: string): Promise<Problem[]> {
  const file = join(org, 'organism.yaml');
  writeFileSync(file, yaml);
  const loaded = await loadOrganism(file);
  if (loaded.ok) {
    loaded.organism.registry.dispose();
    throw new Error('expected the organism to be refused');
  }
  return loaded.problems;
}

beforeEach(() => {
  tmp = mkdtempSync(join(tmpdir(), 'confinement-'));
  org = join(tmp, 'org');
  ranLog = join(tmp, 'ran.log');
  write(join(org, 'schemas/greeting.xsd'), XSD);
  write(join(org, 'handlers/greeter.mjs'), loggingModule('inside'));
  write(join(tmp, 'outside/evil.mjs'), loggingModule('evil'));
  write(join(tmp, 'outside/greeting.xsd'), XSD);
});

afterEach(() => {
  rmSync(tmp, { recursive: true, force: true });
});

const HANDLER_PROBLEM = {
  file: 'organism.yaml',
  line: 6,
  column: expect.any(Number) as number,
  path: 'listeners[0].handler',
};

describe('handler modules are confined to the organism folder', () => {
  it('loads a handler inside the folder', async () => {
    const file = join(org, 'organism.yaml');
    writeFileSync(file, organism('./handlers/greeter.mjs#greet'));
    const loaded = await loadOrganism(file);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) loaded.organism.registry.dispose();
  });

  it('refuses a relative path that climbs out with ../, naming listener, key and line, without importing it', async () => {
    const problems = await problemsOf(organism('../outside/evil.mjs#greet'));
    expect(problems).toEqual([expect.objectContaining(HANDLER_PROBLEM)]);
    expect(problems[0]?.message).toMatch(
      /^listener "greeter": handler module \.\.\/outside\/evil\.mjs is outside the organism folder/,
    );
    expect(existsSync(ranLog)).toBe(false);
  });

  it('refuses a deep ../../../../ path the same way', async () => {
    const deep = `./handlers/../../../../../../../../..${join(tmp, 'outside/evil.mjs')}#greet`;
    const problems = await problemsOf(organism(deep));
    expect(problems).toEqual([expect.objectContaining(HANDLER_PROBLEM)]);
    expect(problems[0]?.message).toMatch(/is outside the organism folder/);
    expect(existsSync(ranLog)).toBe(false);
  });

  it('refuses an absolute path outside the folder', async () => {
    const problems = await problemsOf(organism(`${join(tmp, 'outside/evil.mjs')}#greet`));
    expect(problems).toEqual([expect.objectContaining(HANDLER_PROBLEM)]);
    expect(problems[0]?.message).toMatch(/is outside the organism folder/);
    expect(existsSync(ranLog)).toBe(false);
  });

  it('refuses a symlink inside the folder that points outside', async () => {
    symlinkSync(join(tmp, 'outside/evil.mjs'), join(org, 'handlers/link.mjs'));
    const problems = await problemsOf(organism('./handlers/link.mjs#greet'));
    expect(problems).toEqual([expect.objectContaining(HANDLER_PROBLEM)]);
    expect(problems[0]?.message).toMatch(/is outside the organism folder/);
    expect(existsSync(ranLog)).toBe(false);
  });

  it('refuses a module reached through a symlinked folder that leads outside', async () => {
    symlinkSync(join(tmp, 'outside'), join(org, 'vendor'), 'dir');
    const problems = await problemsOf(organism('./vendor/evil.mjs#greet'));
    expect(problems).toEqual([expect.objectContaining(HANDLER_PROBLEM)]);
    expect(problems[0]?.message).toMatch(/is outside the organism folder/);
    expect(existsSync(ranLog)).toBe(false);
  });

  it('accepts a symlink that stays inside the folder', async () => {
    symlinkSync(join(org, 'handlers/greeter.mjs'), join(org, 'handlers/alias.mjs'));
    const file = join(org, 'organism.yaml');
    writeFileSync(file, organism('./handlers/alias.mjs#greet'));
    const loaded = await loadOrganism(file);
    expect(loaded.ok).toBe(true);
    if (loaded.ok) loaded.organism.registry.dispose();
  });
});

describe('XSDs go through the same containment check', () => {
  const SCHEMA_PROBLEM = { file: 'organism.yaml', line: 5, path: 'listeners[0].payload.schema' };

  it('refuses a schema path that climbs out with ../', async () => {
    const problems = await problemsOf(organism('./handlers/greeter.mjs#greet', '../outside/greeting.xsd'));
    expect(problems).toContainEqual(expect.objectContaining(SCHEMA_PROBLEM));
    expect(problems.map((p) => p.message).join('\n')).toMatch(/outside the organism folder/);
  });

  it('refuses a schema symlink inside the folder that points outside', async () => {
    symlinkSync(join(tmp, 'outside/greeting.xsd'), join(org, 'schemas/link.xsd'));
    const problems = await problemsOf(organism('./handlers/greeter.mjs#greet', 'schemas/link.xsd'));
    expect(problems).toContainEqual(expect.objectContaining(SCHEMA_PROBLEM));
    expect(problems.map((p) => p.message).join('\n')).toMatch(/outside the organism folder/);
  });

  it('refuses an xs:include that reaches outside through a symlink', async () => {
    symlinkSync(join(tmp, 'outside/greeting.xsd'), join(org, 'schemas/shared.xsd'));
    write(
      join(org, 'schemas/main.xsd'),
      `<?xml version="1.0" encoding="UTF-8"?>
<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema">
  <xs:include schemaLocation="shared.xsd"/>
</xs:schema>
`,
    );
    const problems = await problemsOf(organism('./handlers/greeter.mjs#greet', 'schemas/main.xsd'));
    expect(problems).toContainEqual(expect.objectContaining({ file: 'schemas/main.xsd', line: 3 }));
    expect(problems.map((p) => p.message).join('\n')).toMatch(
      /schema .*shared\.xsd is outside the organism folder/,
    );
  });
});
