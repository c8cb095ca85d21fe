import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { exampleInstance } from './xsd-example.ts';
import { XsdRegistry } from './xsd-registry.ts';
import { parseUntrusted } from './hardened-parser.ts';

const DEMO = fileURLToPath(new URL('../../../../examples/demo/schemas/', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/example-gen/', import.meta.url));

const registries = new Map<string, XsdRegistry>();
afterAll(() => {
  for (const registry of registries.values()) registry.dispose();
});

function generate(rootDir: string, file: string, root: string): string {
  const out = exampleInstance(join(rootDir, file), root, rootDir);
  if (!out.ok) throw new Error(JSON.stringify(out.problems));
  return out.xml;
}

/** Problems the compiled schema reports for `xml`; [] when it validates. */
function validate(rootDir: string, file: string, xml: string): unknown[] {
  const registry = registries.get(rootDir) ?? new XsdRegistry(rootDir);
  registries.set(rootDir, registry);
  const compiled = registry.compile(join(rootDir, file));
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.problems));
  const parsed = parseUntrusted(xml, { maxBytes: 1024 * 1024 });
  if (!parsed.ok) throw new Error(parsed.message);
  try {
    return compiled.schema.validate(parsed.doc.root);
  } finally {
    parsed.doc.dispose();
  }
}

describe('exampleInstance', () => {
  it.each([
    ['greeter.xsd', 'greeting'],
    ['greeter.xsd', 'shouted'],
    ['shouter.xsd', 'shout'],
    ['calculator.xsd', 'calculate'],
    ['calculator.xsd', 'result'],
    ['orders.xsd', '{urn:organism:demo:orders}order'],
    ['orders.xsd', '{urn:organism:demo:orders}receipt'],
    ['planner.xsd', 'task'],
    ['sleeper.xsd', 'nap'],
  ])('generates a valid %s %s for the demo organism', (file, root) => {
    expect(validate(DEMO, file, generate(DEMO, file, root))).toEqual([]);
  });

  it.each([
    ['attributes.xsd', '{urn:example:attributes}record'],
    ['choice.xsd', 'person'],
    ['extension.xsd', '{urn:example:extension}kennel'],
    ['enumerations.xsd', 'shirt'],
    ['bounds.xsd', 'limits'],
    ['patterns.xsd', 'contact'],
    ['lists.xsd', 'data'],
    ['recursion.xsd', 'node'],
    ['recursion.xsd', 'expr'],
    ['recursion.xsd', 'folder'],
    ['unqualified.xsd', '{urn:example:unqualified}envelope'],
    ['builtins.xsd', 'builtins'],
  ])('generates a valid instance of %s %s', (file, root) => {
    expect(validate(FIXTURES, file, generate(FIXTURES, file, root))).toEqual([]);
  });

  it('declares the target namespace as default and prefixes the imported one', () => {
    const xml = generate(DEMO, 'orders.xsd', '{urn:organism:demo:orders}order');
    expect(xml).toMatch(
      /^<order xmlns="urn:organism:demo:orders" xmlns:ns1="urn:organism:demo:address" id="text">/,
    );
    expect(xml).toContain('<ns1:country>AA</ns1:country>');
  });

  it('resets the default namespace for unqualified local elements', () => {
    const xml = generate(FIXTURES, 'unqualified.xsd', '{urn:example:unqualified}envelope');
    expect(xml).toContain('<subject xmlns="">text</subject>');
    expect(xml).toContain('<stamp xmlns="urn:example:unqualified">');
    expect(xml).toContain('<ns1:meta ns1:rev="1">');
  });

  it('emits optional attributes, fixed values and unique IDs, and drops prohibited attributes', () => {
    const xml = generate(FIXTURES, 'attributes.xsd', '{urn:example:attributes}record');
    expect(xml).toContain('version="1.0"');
    expect(xml).toContain('ratio="0.5"');
    expect(xml).toContain('<item id="id1"><label>text</label></item><item id="id2">');
    expect(xml).not.toContain('secret=');
  });

  it('takes the first enumeration value and the first choice branch', () => {
    expect(generate(FIXTURES, 'enumerations.xsd', 'shirt')).toContain(
      '<colour>red</colour><accent>blue</accent>',
    );
    expect(generate(FIXTURES, 'choice.xsd', 'person')).toContain(
      '<first>text</first><first>text</first><email>',
    );
  });

  it('picks values inside numeric bounds and matching patterns', () => {
    const limits = generate(FIXTURES, 'bounds.xsd', 'limits');
    expect(limits).toContain('<year>1900</year><above>11</above><below>-6</below><between>6</between>');
    const contact = generate(FIXTURES, 'patterns.xsd', 'contact');
    expect(contact).toContain('<phone>+11 111-1111</phone>');
    expect(contact).toContain('<postcode>000000</postcode>');
  });

  it('stops optional recursion at depth 8', () => {
    const xml = generate(FIXTURES, 'recursion.xsd', 'node');
    expect(xml.match(/<node>/g)).toHaveLength(8);
  });

  it('reports a root that only unbounded recursion could satisfy', () => {
    const out = exampleInstance(join(FIXTURES, 'recursion.xsd'), 'loop', FIXTURES);
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.problems[0]?.message).toMatch(/requires recursion deeper than 8/);
  });

  it('reports an unknown root element with the ones the schema declares', () => {
    const out = exampleInstance(join(DEMO, 'greeter.xsd'), '{urn:nowhere}greeting', DEMO);
    expect(out).toEqual({
      ok: false,
      problems: [
        {
          file: join(DEMO, 'greeter.xsd'),
          message: `{urn:nowhere}greeting is not a global element of ${join(DEMO, 'greeter.xsd')} (global elements: greeting, shouted)`,
        },
      ],
    });
  });

  it('refuses schema files outside the root folder', () => {
    const out = exampleInstance(
      join(DEMO, 'orders.xsd'),
      '{urn:organism:demo:orders}order',
      join(DEMO, 'common'),
    );
    expect(out.ok).toBe(false);
    if (!out.ok) expect(out.problems[0]?.message).toMatch(/is outside the organism folder/);
  });
});
