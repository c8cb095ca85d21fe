import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { XmlDocument, XmlElement } from 'libxml2-wasm';
import { XsdRegistry } from './xsd-registry.ts';
import type { CompiledSchema } from './xsd-registry.ts';
import { parseUntrusted } from './hardened-parser.ts';

const ROOT = fileURLToPath(new URL('./fixtures/include-import/', import.meta.url));
const MAIN = join(ROOT, 'main.xsd');

// Orders sit inside an envelope, as payloads do: validate() is handed one element, not a document.
const ORDERS = `<env:message xmlns:env="urn:env" xmlns:o="urn:example:orders" xmlns:c="urn:example:common">
  <o:order id="7">
    <o:line><o:sku>A-1</o:sku><o:qty>3</o:qty></o:line>
    <o:line><o:sku>B-2</o:sku><o:qty>999</o:qty></o:line>
    <o:shipTo><c:city>Ghent</c:city></o:shipTo>
    <o:note>leave at door</o:note>
  </o:order>
  <o:order id="0">
    <o:line><o:sku>A-1</o:sku>
      <o:qty>1000</o:qty></o:line>
    <o:shipTo><c:city>Ghent</c:city></o:shipTo>
    <o:note>this note is far too long</o:note>
  </o:order>
  <o:order id="8">
    <o:shipTo><c:city>Ghent</c:city></o:shipTo>
  </o:order>
  <o:cancel>7</o:cancel>
  <o:unknown/>
</env:message>`;

let doc: XmlDocument;
beforeAll(() => {
  const out = parseUntrusted(ORDERS, { maxBytes: 64 * 1024 });
  if (!out.ok) throw new Error(out.message);
  doc = out.doc;
});
afterAll(() => doc.dispose());

const payload = (xpath: string): XmlElement => {
  const el = doc.get(xpath, { o: 'urn:example:orders' });
  if (!el) throw new Error(`no element at ${xpath}`);
  return el as XmlElement;
};

const registries: XsdRegistry[] = [];
afterEach(() => {
  for (const r of registries.splice(0)) r.dispose();
});

function compile(): { registry: XsdRegistry; schema: CompiledSchema } {
  const registry = new XsdRegistry(ROOT);
  registries.push(registry);
  const out = registry.compile(MAIN);
  if (!out.ok) throw new Error(JSON.stringify(out.problems));
  return { registry, schema: out.schema };
}

describe('CompiledSchema.validate', () => {
  it('returns no problems for a valid element, using types from included and imported files', () => {
    expect(compile().schema.validate(payload('/*/o:order[1]'))).toEqual([]);
  });

  it('accepts a global element that comes from a chameleon include', () => {
    expect(compile().schema.validate(payload('/*/o:cancel'))).toEqual([]);
  });

  it('reports each violation with its message, line and XPath', () => {
    expect(compile().schema.validate(payload('/*/o:order[2]'))).toEqual([
      {
        message:
          "Element '{urn:example:orders}order', attribute 'id': '0' is not a valid value of the atomic type 'xs:positiveInteger'.",
        line: 8,
        path: '/env:message/o:order[2]',
      },
      {
        message: expect.stringMatching(
          /\{urn:example:orders\}qty': \[facet 'maxInclusive'\] The value '1000'/,
        ) as string,
        line: 10,
        path: '/env:message/o:order[2]/o:line/o:qty',
      },
      {
        message: expect.stringMatching(/\{urn:example:orders\}note': \[facet 'maxLength'\]/) as string,
        line: 12,
        path: '/env:message/o:order[2]/o:note',
      },
    ]);
  });

  it('reports missing required content', () => {
    const [p, ...rest] = compile().schema.validate(payload('/*/o:order[3]'));
    expect(rest).toEqual([]);
    expect(p).toMatchObject({ line: 15, path: '/env:message/o:order[3]/o:shipTo' });
    expect(p?.message).toMatch(/This element is not expected\. Expected is \( \{urn:example:orders\}line \)/);
  });

  it('reports an element the schema does not declare', () => {
    const [p] = compile().schema.validate(payload('/*/o:unknown'));
    expect(p).toMatchObject({ line: 18 });
    expect(p?.message).toMatch(/No matching global declaration available for the validation root/);
  });

  it('carries no file: the element came from a message, not from disk', () => {
    for (const p of compile().schema.validate(payload('/*/o:order[2]'))) expect(p.file).toBeUndefined();
  });

  it('validates the same element again with the same result', () => {
    const { schema } = compile();
    const first = schema.validate(payload('/*/o:order[2]'));
    expect(schema.validate(payload('/*/o:order[2]'))).toEqual(first);
    expect(schema.validate(payload('/*/o:order[1]'))).toEqual([]);
  });
});

describe('XsdRegistry.dispose', () => {
  it('forgets compiled schemas: compiling again afterwards yields a new, working schema', () => {
    const { registry, schema } = compile();
    registry.dispose();
    const again = registry.compile(MAIN);
    if (!again.ok) throw new Error(JSON.stringify(again.problems));
    expect(again.schema).not.toBe(schema);
    expect(again.schema.validate(payload('/*/o:order[1]'))).toEqual([]);
  });

  it('can be called twice, and on a registry that compiled nothing', () => {
    const { registry } = compile();
    registry.dispose();
    expect(() => registry.dispose()).not.toThrow();
    expect(() => new XsdRegistry(ROOT).dispose()).not.toThrow();
  });
});
