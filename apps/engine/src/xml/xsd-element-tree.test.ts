import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ElementNode } from '@organism/shared';
import { elementTree } from './xsd-element-tree.ts';

const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));
const ORDER = `${FIXTURES}element-tree/order.xsd`;
const NS = 'urn:example:orders';

function tree(roots: string[], file = ORDER): ElementNode[] {
  const out = elementTree(file, roots, dirname(file));
  if (!out.ok) throw new Error(out.problems.map((p) => p.message).join('\n'));
  return out.roots;
}

/** name:min..max, children indented, for reading a whole tree at a glance. */
function outline(n: ElementNode, depth = 0): string[] {
  const line = `${'  '.repeat(depth)}${n.name}:${n.minOccurs}..${n.maxOccurs}${n.recursive ? ' (recursive)' : ''}`;
  return [line, ...n.children.flatMap((c) => outline(c, depth + 1))];
}

describe('elementTree', () => {
  it('reads names, occurrence and the content model, flattening nested compositors', () => {
    const [order] = tree([`{${NS}}order`]);
    if (!order) throw new Error('no tree');
    expect(outline(order)).toEqual([
      'order:1..1',
      '  customer:1..1',
      '    name:1..1',
      '    email:0..1',
      '  pickup:0..1',
      '  deliverTo:0..1',
      '  part:1..unbounded',
      '    sku:1..1',
      '    part:0..unbounded (recursive)',
      '  note:0..1',
      '  *:0..1',
    ]);
    expect(order).toMatchObject({
      namespace: NS,
      type: null,
      compositor: 'sequence',
      documentation: 'An order to ship.',
      attributes: [{ name: 'priority', type: 'xs:token', required: false, documentation: null }],
    });
  });

  it('keeps types as written, documentation, inherited attributes and wildcards', () => {
    const [order] = tree([`{${NS}}order`]);
    const child = (name: string): ElementNode | undefined => order?.children.find((c) => c.name === name);
    expect(child('customer')).toMatchObject({
      type: 'o:Customer',
      compositor: 'sequence',
      attributes: [
        { name: 'id', type: 'xs:ID', required: true, documentation: "The party's account." },
        { name: 'vip', type: 'xs:boolean', required: false },
      ],
    });
    expect(child('note')).toMatchObject({
      type: 'xs:string',
      namespace: NS,
      documentation: 'Free text for the warehouse.',
    });
    expect(child('part')?.children[0]).toMatchObject({ name: 'sku', type: 'xs:string', compositor: null });
    expect(child('*')).toMatchObject({ namespace: '##other', type: null });
  });

  it('gives every root asked for, and says when a root is not declared', () => {
    expect(
      tree([`{${NS}}cancel`, `{${NS}}note`]).map((r) => [r.name, r.compositor, r.children.length]),
    ).toEqual([
      ['cancel', 'choice', 2],
      ['note', null, 0],
    ]);
    const missing = elementTree(ORDER, [`{${NS}}nothing`], dirname(ORDER));
    expect(missing).toMatchObject({ ok: false, unknownRoot: true });
    const broken = elementTree(`${FIXTURES}syntax-error/main.xsd`, ['x'], `${FIXTURES}syntax-error`);
    expect(broken).toMatchObject({ ok: false, unknownRoot: false });
  });

  it('says what each value is held to: facets through every derivation step, default and fixed', () => {
    const [order] = tree([`{${NS}}order`]);
    expect(order?.attributes[0]?.constraints).toEqual({ enumeration: ['normal', 'rush'], default: 'normal' });
    const part = order?.children.find((c) => c.name === 'part');
    expect(part?.constraints).toBeNull();
    expect(part?.children[0]?.constraints).toEqual({ patterns: [['[A-Z]{3}-\\d+']] });
    expect(order?.children.find((c) => c.name === 'note')?.constraints).toBeNull();

    const [limits] = tree(['limits'], `${FIXTURES}example-gen/bounds.xsd`);
    const held = (name: string) => limits?.children.find((c) => c.name === name)?.constraints;
    // A named type's facets, and a restriction of it narrowing one of them.
    expect(held('share')).toEqual({ minInclusive: '0', maxInclusive: '100' });
    expect(held('small')).toEqual({ minInclusive: '0', maxInclusive: '1' });
    expect(held('between')).toEqual({ minExclusive: '5', maxExclusive: '7' });
    expect(held('cents')).toEqual({
      minInclusive: '10',
      maxInclusive: '20',
      totalDigits: 4,
      fractionDigits: 2,
    });
    expect(held('negative')).toBeNull();
    // The side a base type sets by its sign, beside the facet on the other.
    const [nap] = tree(['nap'], `${FIXTURES}element-tree/implied.xsd`);
    expect(nap?.children.map((c) => [c.name, c.constraints])).toEqual([
      ['ms', { maxInclusive: '60000', minInclusive: '0' }],
      ['count', { maxExclusive: '10', minInclusive: '1' }],
      ['debt', { minInclusive: '-100', maxInclusive: '-1' }],
      ['small', { maxExclusive: '-5' }],
    ]);

    const [data] = tree(['data'], `${FIXTURES}example-gen/lists.xsd`);
    const list = (name: string) => data?.children.find((c) => c.name === name)?.constraints;
    expect(list('point')).toEqual({ list: true, length: 3 });
    expect(list('levels')).toEqual({ list: true, minLength: 2, items: { enumeration: ['low', 'high'] } });
    expect(list('bounded')).toEqual({ list: true, items: { minInclusive: '50' } });
  });

  it('reads the example generator’s fixtures without failing', () => {
    const [record] = tree(['{urn:example:attributes}record'], `${FIXTURES}example-gen/attributes.xsd`);
    expect(record?.children[0]).toMatchObject({ name: 'item', minOccurs: 2, maxOccurs: 'unbounded' });
    expect(record?.children[0]?.attributes.map((a) => a.name)).toEqual(['id']);
  });
});
