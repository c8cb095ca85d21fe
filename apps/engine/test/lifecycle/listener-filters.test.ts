import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { check } from '../../src/commands/check.ts';
import { checkOrganismText, loadOrganism } from '../../src/lifecycle/organism-loader.ts';

const XSD = `<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:shop" elementFormDefault="qualified">
  <xs:element name="order"><xs:complexType><xs:sequence><xs:element name="total" type="xs:decimal"/></xs:sequence></xs:complexType></xs:element>
</xs:schema>`;

/** An organism folder whose one listener has `filter` (as YAML text, quoted or not). */
function organism(filterLine: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'organism-filters-'));
  mkdirSync(join(dir, 'schemas'));
  mkdirSync(join(dir, 'handlers'));
  writeFileSync(join(dir, 'schemas/order.xsd'), XSD);
  writeFileSync(join(dir, 'handlers/big.ts'), 'export function big(): void {}\n');
  const file = join(dir, 'organism.yaml');
  writeFileSync(
    file,
    `name: shop
listeners:
  - name: big-orders
    description: Takes the big orders.
    payload: { schema: schemas/order.xsd }
    handler: ./handlers/big.ts#big
${filterLine}
`,
  );
  return file;
}

afterEach(() => vi.restoreAllMocks());

describe('a listener filter in organism.yaml', () => {
  it('is compiled at load and shown by organism check', async () => {
    const file = organism('    filter: "/order[total > 100]"');
    const loaded = await loadOrganism(file);
    if (!loaded.ok) throw new Error(JSON.stringify(loaded.problems));
    const [l] = loaded.organism.listeners;
    expect(l?.filter?.expression).toBe('/order[total > 100]');
    expect(l?.filter?.matches('<s:order xmlns:s="urn:shop"><s:total>101</s:total></s:order>')).toBe(true);
    expect(l?.filter?.matches('<s:order xmlns:s="urn:shop"><s:total>99</s:total></s:order>')).toBe(false);
    loaded.organism.registry.dispose();

    const out = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await check(file)).toBe(0);
    expect(out.mock.calls.flat().join('\n')).toContain(
      'big-orders               {urn:shop}order  where /order[total > 100]',
    );
  });

  it.each([
    ['    filter: "/order[total >"', 'organism.yaml:7:13 listeners[0].filter: not an XPath 1.0 expression'],
    [
      '    filter: "nosuch(/order)"',
      'organism.yaml:7:13 listeners[0].filter: not an XPath 1.0 expression: no function nosuch()',
    ],
    [
      '    filter: "  "',
      'organism.yaml:7:13 listeners[0].filter: expected an XPath expression over the payload',
    ],
    ['    filter: 42', 'organism.yaml:7:13 listeners[0].filter:'],
  ])('reports %j at its line, and organism check fails', async (line, problem) => {
    const file = organism(line);
    const err = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    expect(await check(file)).toBe(1);
    const printed = err.mock.calls.flat().join('\n');
    expect(printed).toContain(problem);
    expect(printed).toContain('1 problem(s)');
  });

  it('is checked the same way by a configuration change before it is saved', async () => {
    const file = organism('    filter: "/order[total >"');
    const checked = await checkOrganismText(readFileSync(file, 'utf8'), file);
    if (checked.ok) throw new Error('a bad filter passed the check');
    expect(checked.problems.map((p) => [p.line, p.path, p.message.split(':')[0]])).toEqual([
      [7, 'listeners[0].filter', 'not an XPath 1.0 expression'],
    ]);
  });
});
