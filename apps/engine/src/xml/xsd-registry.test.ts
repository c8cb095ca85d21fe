import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Problem } from '@organism/shared';
import { XsdRegistry } from './xsd-registry.ts';
import type { CompiledSchema } from './xsd-registry.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const fixture = (...parts: string[]): string => join(FIXTURES, ...parts);

const registries: XsdRegistry[] = [];
afterEach(() => {
  for (const r of registries.splice(0)) r.dispose();
});

function registry(root: string): XsdRegistry {
  const r = new XsdRegistry(root);
  registries.push(r);
  return r;
}

function compiled(folder: string): CompiledSchema {
  const out = registry(fixture(folder)).compile(fixture(folder, 'main.xsd'));
  if (!out.ok) throw new Error(JSON.stringify(out.problems));
  return out.schema;
}

function problems(folder: string, root = fixture(folder)): Problem[] {
  const out = registry(root).compile(fixture(folder, 'main.xsd'));
  if (out.ok) throw new Error('expected the schema not to compile');
  return out.problems;
}

describe('XsdRegistry.compile', () => {
  it('compiles a schema and reports its file and target namespace', () => {
    const schema = compiled('include-import');
    expect(schema.file).toBe(fixture('include-import', 'main.xsd'));
    expect(schema.targetNamespace).toBe('urn:example:orders');
  });

  it('compiles each file once: a second compile returns the same schema object', () => {
    const reg = registry(fixture('include-import'));
    const first = reg.compile(fixture('include-import', 'main.xsd'));
    const second = reg.compile(fixture('include-import', 'parts', '..', 'main.xsd'));
    if (!first.ok || !second.ok) throw new Error('expected both compiles to succeed');
    expect(second.schema).toBe(first.schema);
  });

  it('lists global elements in Clark notation, including same-namespace and chameleon includes', () => {
    expect(compiled('include-import').globalElements).toEqual([
      '{urn:example:orders}order',
      '{urn:example:orders}line',
      '{urn:example:orders}cancel',
    ]);
  });

  it('leaves the global elements of imported schemas out', () => {
    expect(compiled('include-import').globalElements).not.toContain('{urn:example:common}address');
  });

  it('lists global elements without braces for a schema with no target namespace', () => {
    const schema = compiled('no-namespace');
    expect(schema.targetNamespace).toBe('');
    expect(schema.globalElements).toEqual(['greeting', 'farewell']);
  });

  it('resolves includes and imports when the registry root contains spaces', () => {
    const dir = mkdtempSync(join(tmpdir(), 'xsd registry '));
    try {
      const root = join(dir, 'My Organism');
      cpSync(fixture('include-import'), root, { recursive: true });
      const out = registry(root).compile(join(root, 'main.xsd'));
      if (!out.ok) throw new Error(JSON.stringify(out.problems));
      expect(out.schema.globalElements).toEqual([
        '{urn:example:orders}order',
        '{urn:example:orders}line',
        '{urn:example:orders}cancel',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('accepts an included file whose name starts with two dots', () => {
    // "..shared.xsd" lies inside the root; only a path segment that is exactly ".." leaves it.
    const out = registry(fixture('dot-dot-name')).compile(fixture('dot-dot-name', 'main.xsd'));
    expect(out.ok ? [] : out.problems).toEqual([]);
  });
});

describe('XsdRegistry.compile problems', () => {
  it('reports a missing include with the including file and line', () => {
    expect(problems('broken-include')).toEqual([
      {
        file: fixture('broken-include', 'main.xsd'),
        line: 4,
        message: 'file not found: missing.xsd',
      },
    ]);
  });

  it('resolves an import relative to the file in a subfolder and reports it missing there', () => {
    expect(problems('broken-import')).toEqual([
      {
        file: fixture('broken-import', 'sub', 'types.xsd'),
        line: 5,
        message: 'file not found: sub/gone.xsd',
      },
    ]);
  });

  it('refuses a schemaLocation that climbs out of the registry root', () => {
    const [p, ...rest] = problems('outside-root');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ file: fixture('outside-root', 'main.xsd'), line: 3 });
    expect(p?.message).toBe(
      `schema ${fixture('x.xsd')} is outside the organism folder ${fixture('outside-root')}`,
    );
  });

  it('refuses to compile a main file that is itself outside the registry root', () => {
    const [p] = problems('broken-include', fixture('include-import'));
    expect(p).toMatchObject({ file: fixture('broken-include', 'main.xsd') });
    expect(p?.message).toMatch(/is outside the organism folder/);
  });

  it('refuses a remote http:// schemaLocation without fetching it', () => {
    expect(problems('remote-import')).toEqual([
      {
        file: fixture('remote-import', 'main.xsd'),
        line: 3,
        message: 'remote schemaLocation is not allowed: http://example.com/far.xsd',
      },
    ]);
  });

  it('reports include and import elements that have no schemaLocation', () => {
    const file = fixture('missing-location', 'main.xsd');
    expect(problems('missing-location')).toEqual([
      { file, line: 3, message: 'xs:include without schemaLocation' },
      { file, line: 4, message: 'xs:import without schemaLocation cannot be resolved' },
    ]);
  });

  it('reports an XSD that is not well-formed with its file and line', () => {
    const [p] = problems('syntax-error');
    expect(p).toMatchObject({ file: fixture('syntax-error', 'main.xsd'), line: 4 });
    expect(p?.message).toMatch(/Opening and ending tag mismatch/);
  });

  it('reports a reference to an undefined type with file, line and path', () => {
    expect(problems('invalid-type')).toEqual([
      {
        file: fixture('invalid-type', 'main.xsd'),
        line: 3,
        path: '/xs:schema/xs:element',
        message: expect.stringMatching(
          /'\{http:\/\/www\.w3\.org\/2001\/XMLSchema\}nope' does not resolve to a\(n\) type/,
        ) as string,
      },
    ]);
  });

  it('reports an error inside an included file against that file', () => {
    const [p] = problems('invalid-included');
    expect(p).toMatchObject({ file: fixture('invalid-included', 'bad-type.xsd'), line: 4 });
    expect(p?.message).toMatch(/does not resolve to a\(n\) type definition/);
  });

  it('refuses a file whose root is not xs:schema', () => {
    expect(problems('not-a-schema')).toEqual([
      {
        file: fixture('not-a-schema', 'main.xsd'),
        line: 2,
        message: 'not an XML Schema: the root must be xs:schema',
      },
    ]);
  });

  it('refuses an XSD that declares a DOCTYPE, so it cannot pull in an external entity', () => {
    const [p, ...rest] = problems('doctype');
    expect(rest).toEqual([]);
    expect(p).toMatchObject({
      file: fixture('doctype', 'main.xsd'),
      message: expect.stringMatching(/DOCTYPE is not allowed/) as string,
    });
  });

  it('does not cache a failed compile: asking again reports the same problems', () => {
    const reg = registry(fixture('broken-include'));
    const first = reg.compile(fixture('broken-include', 'main.xsd'));
    const second = reg.compile(fixture('broken-include', 'main.xsd'));
    expect(first.ok).toBe(false);
    expect(second).toEqual(first);
  });
});
